/**
 * `createStoaClient`: the base client with every action bound to it, viem-style. Each action is
 * also exported alone (`getNodeInfo(client, params)`), for tree-shaking and tests.
 */
import type { RecordType } from "@stoa/protocol";
import type { StoaContractName } from "./abi/index.ts";
import { addContent, type AddContentParameters } from "./content/addContent.ts";
import { catContent, type CatContentParameters } from "./content/catContent.ts";
import { getSession, type GetSessionParameters } from "./auth/getSession.ts";
import { refreshSession, type RefreshSessionParameters } from "./auth/refreshSession.ts";
import { signIn, type SignInParameters } from "./auth/signIn.ts";
import { signOut } from "./auth/signOut.ts";
import type { StoaBaseClient, StoaClientConfig } from "./base.ts";
import { createBaseClient } from "./wallet.ts";
import { checkChain } from "./chain/checkChain.ts";
import { getChainStatus, type GetChainStatusParameters } from "./chain/getChainStatus.ts";
import { readContract, type ReadContractParameters, type ReadFunctionName } from "./chain/readContract.ts";
import { writeContract, type WriteContractParameters, type WriteFunctionName } from "./chain/writeContract.ts";
import { requestFaucet, type RequestFaucetParameters } from "./dev/requestFaucet.ts";
import { getHealth, type GetHealthParameters } from "./node/getHealth.ts";
import { getNodeInfo, type GetNodeInfoParameters } from "./node/getNodeInfo.ts";
import { getPeers, type GetPeersParameters } from "./node/getPeers.ts";
import { createAppKey, type CreateAppKeyParameters } from "./records/createAppKey.ts";
import { getRecord, type GetRecordParameters } from "./records/getRecord.ts";
import { publishRecord, type PublishRecordParameters } from "./records/publishRecord.ts";
import { putRecord, type PutRecordParameters } from "./records/putRecord.ts";
import { queryRecords, type QueryRecordsParameters } from "./records/queryRecords.ts";
import { signRecord, type SignRecordParameters } from "./records/signRecord.ts";
import { signRecords, type SignRecordsParameters } from "./records/signRecords.ts";
import { subscribeRecords, type SubscribeRecordsParameters } from "./records/subscribeRecords.ts";
import { createListing, type CreateListingParameters } from "./market/createListing.ts";
import { updateListing, type UpdateListingParameters } from "./market/updateListing.ts";
import { withdrawListing, type WithdrawListingParameters } from "./market/withdrawListing.ts";
import { searchListings, type SearchListingsParameters } from "./market/searchListings.ts";
import { getListing, type GetListingParameters } from "./market/getListing.ts";
import { getSellerReviews, type GetSellerReviewsParameters } from "./market/getSellerReviews.ts";
import { getOrders, type GetOrdersParameters, getOrder, type GetOrderParameters } from "./market/getOrders.ts";
import { buyListing, type BuyListingParameters } from "./market/buyListing.ts";
import { releaseOrder, type ReleaseOrderParameters } from "./market/releaseOrder.ts";
import { refundOrder, type RefundOrderParameters } from "./market/refundOrder.ts";
import { disputeOrder, type DisputeOrderParameters } from "./market/disputeOrder.ts";
import { claimOrder, type ClaimOrderParameters } from "./market/claimOrder.ts";
import { ruleOrder, type RuleOrderParameters } from "./market/ruleOrder.ts";
import { resolveUnruledOrder, type ResolveUnruledOrderParameters } from "./market/resolveUnruledOrder.ts";
import { reviewOrder, type ReviewOrderParameters } from "./market/reviewOrder.ts";
import { sweepFees, type SweepFeesParameters } from "./market/sweepFees.ts";
import { mintAsset, type MintAssetParameters } from "./market/mintAsset.ts";
import { listAsset, type ListAssetParameters } from "./market/listAsset.ts";
import { buyAsset, type BuyAssetParameters } from "./market/buyAsset.ts";
import { getArbiters, type GetArbitersParameters } from "./market/getArbiters.ts";
import { createPoll, type CreatePollParameters } from "./governance/polls/createPoll.ts";
import { castPollVote, type CastPollVoteParameters } from "./governance/polls/castPollVote.ts";
import { getPolls, type GetPollsParameters } from "./governance/polls/getPolls.ts";
import { getPoll, type GetPollParameters } from "./governance/polls/getPoll.ts";
import { getPollVotes, type GetPollVotesParameters } from "./governance/polls/getPollVotes.ts";
import { getPollTally, type GetPollTallyParameters } from "./governance/polls/getPollTally.ts";
import { verifyPollTally, type VerifyPollTallyParameters } from "./governance/polls/verifyPollTally.ts";
import { propose, type ProposeParameters } from "./governance/propose.ts";
import {
  getProposal,
  getProposalBody,
  getProposals,
  type GetProposalBodyParameters,
  type GetProposalParameters,
  type GetProposalsParameters,
} from "./governance/getProposals.ts";
import { castVote, type CastVoteParameters } from "./governance/castVote.ts";
import {
  executeProposal,
  queueProposal,
  type ExecuteProposalParameters,
  type QueueProposalParameters,
} from "./governance/queueProposal.ts";
import {
  getDelegates,
  getDelegation,
  type GetDelegatesParameters,
  type GetDelegationParameters,
} from "./governance/getDelegation.ts";
import { getGovernanceSettings } from "./governance/getGovernanceSettings.ts";
import { getNoteKey, noteKeyOf, publishNoteKey } from "./market/noteKey.ts";
import { sendOrderNote, type SendOrderNoteParameters } from "./market/sendOrderNote.ts";
import { getOrderNotes, type GetOrderNotesParameters } from "./market/getOrderNotes.ts";
import { forwardOrderNotes, type ForwardOrderNotesParameters } from "./market/forwardOrderNotes.ts";
import { delegate, type DelegateParameters } from "./token/delegate.ts";
import { getBalance, type GetBalanceParameters } from "./token/getBalance.ts";
import { getDelegate, type GetDelegateParameters } from "./token/getDelegate.ts";
import { getVotes, type GetVotesParameters } from "./token/getVotes.ts";
import { transfer, type TransferParameters } from "./token/transfer.ts";

/** Every action, bound to `client`. */
export function stoaActions(client: StoaBaseClient) {
  return {
    // node
    getNodeInfo: (parameters?: GetNodeInfoParameters) => getNodeInfo(client, parameters),
    getPeers: (parameters?: GetPeersParameters) => getPeers(client, parameters),
    getHealth: (parameters?: GetHealthParameters) => getHealth(client, parameters),
    // auth
    signIn: (parameters?: SignInParameters) => signIn(client, parameters),
    signOut: () => signOut(client),
    getSession: (parameters?: GetSessionParameters) => getSession(client, parameters),
    refreshSession: (parameters?: RefreshSessionParameters) => refreshSession(client, parameters),
    // records
    signRecord: <T extends RecordType>(parameters: SignRecordParameters<T>) => signRecord(client, parameters),
    signRecords: (parameters: SignRecordsParameters) => signRecords(client, parameters),
    createAppKey: (parameters: CreateAppKeyParameters) => createAppKey(client, parameters),
    putRecord: (parameters: PutRecordParameters) => putRecord(client, parameters),
    publishRecord: <T extends RecordType>(parameters: PublishRecordParameters<T>) => publishRecord(client, parameters),
    getRecord: (parameters: GetRecordParameters) => getRecord(client, parameters),
    queryRecords: (parameters: QueryRecordsParameters) => queryRecords(client, parameters),
    subscribeRecords: (parameters: SubscribeRecordsParameters) => subscribeRecords(client, parameters),
    // content
    addContent: (parameters: AddContentParameters) => addContent(client, parameters),
    catContent: (parameters: CatContentParameters) => catContent(client, parameters),
    // chain
    getChainStatus: (parameters?: GetChainStatusParameters) => getChainStatus(client, parameters),
    checkChain: () => checkChain(client),
    readContract: <N extends StoaContractName, F extends ReadFunctionName<N>>(
      parameters: ReadContractParameters<N, F>,
    ) => readContract(client, parameters),
    writeContract: <N extends StoaContractName, F extends WriteFunctionName<N>>(
      parameters: WriteContractParameters<N, F>,
    ) => writeContract(client, parameters),
    // token
    getBalance: (parameters: GetBalanceParameters) => getBalance(client, parameters),
    getVotes: (parameters: GetVotesParameters) => getVotes(client, parameters),
    getDelegate: (parameters: GetDelegateParameters) => getDelegate(client, parameters),
    delegate: (parameters: DelegateParameters) => delegate(client, parameters),
    transfer: (parameters: TransferParameters) => transfer(client, parameters),
    // market
    createListing: (parameters: CreateListingParameters) => createListing(client, parameters),
    updateListing: (parameters: UpdateListingParameters) => updateListing(client, parameters),
    withdrawListing: (parameters: WithdrawListingParameters) => withdrawListing(client, parameters),
    searchListings: (parameters?: SearchListingsParameters) => searchListings(client, parameters),
    getListing: (parameters: GetListingParameters) => getListing(client, parameters),
    getSellerReviews: (parameters: GetSellerReviewsParameters) => getSellerReviews(client, parameters),
    getOrders: (parameters?: GetOrdersParameters) => getOrders(client, parameters),
    getOrder: (parameters: GetOrderParameters) => getOrder(client, parameters),
    buyListing: (parameters: BuyListingParameters) => buyListing(client, parameters),
    releaseOrder: (parameters: ReleaseOrderParameters) => releaseOrder(client, parameters),
    refundOrder: (parameters: RefundOrderParameters) => refundOrder(client, parameters),
    disputeOrder: (parameters: DisputeOrderParameters) => disputeOrder(client, parameters),
    claimOrder: (parameters: ClaimOrderParameters) => claimOrder(client, parameters),
    ruleOrder: (parameters: RuleOrderParameters) => ruleOrder(client, parameters),
    resolveUnruledOrder: (parameters: ResolveUnruledOrderParameters) => resolveUnruledOrder(client, parameters),
    reviewOrder: (parameters: ReviewOrderParameters) => reviewOrder(client, parameters),
    sweepFees: (parameters?: SweepFeesParameters) => sweepFees(client, parameters),
    mintAsset: (parameters: MintAssetParameters) => mintAsset(client, parameters),
    listAsset: (parameters: ListAssetParameters) => listAsset(client, parameters),
    buyAsset: (parameters: BuyAssetParameters) => buyAsset(client, parameters),
    getArbiters: (parameters?: GetArbitersParameters) => getArbiters(client, parameters),
    getNoteKey: () => getNoteKey(client),
    noteKeyOf: (account: string) => noteKeyOf(client, account),
    publishNoteKey: () => publishNoteKey(client),
    sendOrderNote: (parameters: SendOrderNoteParameters) => sendOrderNote(client, parameters),
    getOrderNotes: (parameters: GetOrderNotesParameters) => getOrderNotes(client, parameters),
    forwardOrderNotes: (parameters: ForwardOrderNotesParameters) => forwardOrderNotes(client, parameters),
    // governance (on chain)
    propose: (parameters: ProposeParameters) => propose(client, parameters),
    getProposals: (parameters?: GetProposalsParameters) => getProposals(client, parameters),
    getProposal: (parameters: GetProposalParameters) => getProposal(client, parameters),
    getProposalBody: (parameters: GetProposalBodyParameters) => getProposalBody(client, parameters),
    castVote: (parameters: CastVoteParameters) => castVote(client, parameters),
    queueProposal: (parameters: QueueProposalParameters) => queueProposal(client, parameters),
    executeProposal: (parameters: ExecuteProposalParameters) => executeProposal(client, parameters),
    getDelegation: (parameters: GetDelegationParameters) => getDelegation(client, parameters),
    getDelegates: (parameters?: GetDelegatesParameters) => getDelegates(client, parameters),
    getGovernanceSettings: () => getGovernanceSettings(client),
    // governance: gasless polls
    createPoll: (parameters: CreatePollParameters) => createPoll(client, parameters),
    castPollVote: (parameters: CastPollVoteParameters) => castPollVote(client, parameters),
    getPolls: (parameters?: GetPollsParameters) => getPolls(client, parameters),
    getPoll: (parameters: GetPollParameters) => getPoll(client, parameters),
    getPollVotes: (parameters: GetPollVotesParameters) => getPollVotes(client, parameters),
    getPollTally: (parameters: GetPollTallyParameters) => getPollTally(client, parameters),
    verifyPollTally: (parameters: VerifyPollTallyParameters) => verifyPollTally(client, parameters),
    // dev chain
    requestFaucet: (parameters?: RequestFaucetParameters) => requestFaucet(client, parameters),
  };
}

export type StoaActions = ReturnType<typeof stoaActions>;
/** A client with every action bound: `client.getNodeInfo()`, `client.signIn()`, `client.getBalance({ account })`. */
export type StoaClient = StoaBaseClient & StoaActions;

/**
 * A Stoa client: the node (`node`, its API URL), the chain (`provider`: EIP-1193 provider or viem
 * transport/client), who signs (`signer`: viem account or wallet client) and the deployment
 * manifest (`deployment`; default: what the node reports). Everything is optional; an action
 * that needs a missing part says which.
 */
export function createStoaClient(config: StoaClientConfig = {}): StoaClient {
  const base = createBaseClient(config);
  return Object.assign(base, stoaActions(base));
}
