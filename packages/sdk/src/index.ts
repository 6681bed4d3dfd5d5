/**
 * @stoa/sdk: the developers' entry point to Stoa. One client binds the node's HTTP API (records,
 * content, sign-in, live events), the chain (Stoa's contracts with typed ABIs at the addresses of
 * the deployment manifest) and a signer (viem account or wallet client). Every action is also a
 * plain function in its own module, taking the client first. Runs in Node and browsers.
 *
 * @example
 * ```ts
 * import { createStoaClient } from "@stoa/sdk";
 * import { http } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 *
 * const stoa = createStoaClient({
 *   node: "http://127.0.0.1:8080",
 *   provider: http("http://127.0.0.1:8545"),
 *   signer: privateKeyToAccount(key),
 * });
 * await stoa.signIn();
 * await stoa.publishRecord({ type: "profile", body: { name: "Ada" } });
 * const { items } = await stoa.queryRecords({ family: "listings", text: "bicycle" });
 * const balance = await stoa.getBalance({ account: stoa.signing!.address }); // token wei
 * ```
 *
 * @packageDocumentation
 */
export { createStoaClient, stoaActions, type StoaActions, type StoaClient } from "./client.ts";
export { createBaseClient } from "./wallet.ts";
export {
  createNodeClient,
  type StoaBaseClient,
  type StoaChain,
  type StoaClientConfig,
  type StoaProvider,
  type StoaSession,
  type StoaSigner,
  type StoaSigning,
} from "./base.ts";
export {
  abiHashOf,
  contractOf,
  deploymentSchema,
  parseDeployment,
  type StoaDeployment,
  type StoaDeploymentInput,
} from "./deployment.ts";
export {
  ChainMismatchError,
  DeploymentError,
  NotListingOwnerError,
  NoteKeyMissingError,
  ProviderRequiredError,
  SessionRequiredError,
  SignerRequiredError,
  StoaApiError,
  StoaContractError,
  StoaError,
  StoaNetworkError,
} from "./errors.ts";
export * from "./abi/index.ts";

// node
export { getHealth, type GetHealthParameters, type GetHealthReturnType } from "./node/getHealth.ts";
export { getNodeInfo, type GetNodeInfoParameters, type GetNodeInfoReturnType } from "./node/getNodeInfo.ts";
export { getPeers, type GetPeersParameters, type GetPeersReturnType } from "./node/getPeers.ts";
// auth
export { getSession, type GetSessionParameters, type GetSessionReturnType } from "./auth/getSession.ts";
export { refreshSession, type RefreshSessionParameters, type RefreshSessionReturnType } from "./auth/refreshSession.ts";
export { signIn, type SignInParameters, type SignInReturnType } from "./auth/signIn.ts";
export { signOut, type SignOutParameters, type SignOutReturnType } from "./auth/signOut.ts";
// records
export { createAppKey, type CreateAppKeyParameters, type CreateAppKeyReturnType } from "./records/createAppKey.ts";
export { getRecord, type GetRecordParameters, type GetRecordReturnType } from "./records/getRecord.ts";
export { publishRecord, type PublishRecordParameters, type PublishRecordReturnType } from "./records/publishRecord.ts";
export { putRecord, type PutRecordParameters, type PutRecordReturnType } from "./records/putRecord.ts";
export { queryRecords, type QueryRecordsParameters, type QueryRecordsReturnType } from "./records/queryRecords.ts";
export { signRecord, type AppKey, type SignRecordParameters, type SignRecordReturnType } from "./records/signRecord.ts";
export { signRecords, type SignRecordsParameters, type SignRecordsReturnType } from "./records/signRecords.ts";
export {
  subscribeRecords,
  type SubscribeRecordsParameters,
  type SubscribeRecordsReturnType,
} from "./records/subscribeRecords.ts";
// content
export { addContent, type AddContentParameters, type AddContentReturnType } from "./content/addContent.ts";
export { catContent, type CatContentParameters, type CatContentReturnType } from "./content/catContent.ts";
// chain
export { checkChain, type CheckChainParameters, type CheckChainReturnType } from "./chain/checkChain.ts";
export {
  getChainStatus,
  type GetChainStatusParameters,
  type GetChainStatusReturnType,
} from "./chain/getChainStatus.ts";
export {
  readContract,
  type ReadContractParameters,
  type ReadContractReturnType,
  type ReadFunctionName,
} from "./chain/readContract.ts";
export {
  writeContract,
  type WriteContractParameters,
  type WriteContractReturnType,
  type WriteFunctionName,
} from "./chain/writeContract.ts";
// token
export { delegate, type DelegateParameters, type DelegateReturnType } from "./token/delegate.ts";
export { getBalance, type GetBalanceParameters, type GetBalanceReturnType } from "./token/getBalance.ts";
export { getDelegate, type GetDelegateParameters, type GetDelegateReturnType } from "./token/getDelegate.ts";
export { getVotes, type GetVotesParameters, type GetVotesReturnType } from "./token/getVotes.ts";
export { transfer, type TransferParameters, type TransferReturnType } from "./token/transfer.ts";
// market
export { createListing, type CreateListingParameters, type CreateListingReturnType } from "./market/createListing.ts";
export { updateListing, type UpdateListingParameters, type UpdateListingReturnType } from "./market/updateListing.ts";
export {
  withdrawListing,
  type WithdrawListingParameters,
  type WithdrawListingReturnType,
} from "./market/withdrawListing.ts";
export {
  searchListings,
  type SearchListingsParameters,
  type SearchListingsReturnType,
} from "./market/searchListings.ts";
export { getListing, type GetListingParameters, type GetListingReturnType } from "./market/getListing.ts";
export {
  getSellerReviews,
  type GetSellerReviewsParameters,
  type GetSellerReviewsReturnType,
} from "./market/getSellerReviews.ts";
export {
  getOrders,
  type GetOrdersParameters,
  type GetOrdersReturnType,
  getOrder,
  type GetOrderParameters,
  type GetOrderReturnType,
} from "./market/getOrders.ts";
export { buyListing, type BuyListingParameters, type BuyListingReturnType } from "./market/buyListing.ts";
export { releaseOrder, type ReleaseOrderParameters, type ReleaseOrderReturnType } from "./market/releaseOrder.ts";
export { refundOrder, type RefundOrderParameters, type RefundOrderReturnType } from "./market/refundOrder.ts";
export { disputeOrder, type DisputeOrderParameters, type DisputeOrderReturnType } from "./market/disputeOrder.ts";
export { claimOrder, type ClaimOrderParameters, type ClaimOrderReturnType } from "./market/claimOrder.ts";
export { ruleOrder, type RuleOrderParameters, type RuleOrderReturnType } from "./market/ruleOrder.ts";
export {
  resolveUnruledOrder,
  type ResolveUnruledOrderParameters,
  type ResolveUnruledOrderReturnType,
} from "./market/resolveUnruledOrder.ts";
export { reviewOrder, type ReviewOrderParameters, type ReviewOrderReturnType } from "./market/reviewOrder.ts";
export { sweepFees, type SweepFeesParameters, type SweepFeesReturnType } from "./market/sweepFees.ts";
export { mintAsset, type MintAssetParameters, type MintAssetReturnType } from "./market/mintAsset.ts";
export { listAsset, type ListAssetParameters, type ListAssetReturnType } from "./market/listAsset.ts";
export { buyAsset, type BuyAssetParameters, type BuyAssetReturnType } from "./market/buyAsset.ts";
export { getArbiters, type GetArbitersParameters, type GetArbitersReturnType } from "./market/getArbiters.ts";
export {
  getNoteKey,
  noteKeyOf,
  publishNoteKey,
  type GetNoteKeyReturnType,
  type PublishNoteKeyReturnType,
} from "./market/noteKey.ts";
export { sendOrderNote, type SendOrderNoteParameters, type SendOrderNoteReturnType } from "./market/sendOrderNote.ts";
export {
  getOrderNotes,
  type GetOrderNotesParameters,
  type GetOrderNotesReturnType,
  type OrderNote,
} from "./market/getOrderNotes.ts";
export {
  forwardOrderNotes,
  type ForwardOrderNotesParameters,
  type ForwardOrderNotesReturnType,
} from "./market/forwardOrderNotes.ts";
export { ASSET_ORDER_TYPES, assetOrderOf } from "./market/assetOrder.ts";
export type { OrderRef, OrderStruct } from "./market/orderStruct.ts";
// governance (on chain)
export {
  decodeAction,
  encodeAction,
  encodeActions,
  InvalidActionError,
  ISSUER_ROLE,
  type DecodedCall,
  type ProposalAction,
  type ProposalActionKind,
  type ProposalCall,
} from "./governance/actions.ts";
export { parseDescription, proposalDescription } from "./governance/description.ts";
export {
  BelowProposalThresholdError,
  propose,
  type ProposeParameters,
  type ProposeReturnType,
} from "./governance/propose.ts";
export {
  getProposal,
  getProposalBody,
  getProposals,
  PROPOSAL_STATES,
  type GetProposalBodyParameters,
  type GetProposalBodyReturnType,
  type GetProposalParameters,
  type GetProposalReturnType,
  type GetProposalsParameters,
  type GetProposalsReturnType,
  type Proposal,
  type ProposalState,
  type ProposalStep,
  type ProposalVote,
  type VoteSupport,
} from "./governance/getProposals.ts";
export { castVote, type CastVoteParameters, type CastVoteReturnType } from "./governance/castVote.ts";
export {
  executeProposal,
  queueProposal,
  type ExecuteProposalParameters,
  type ExecuteProposalReturnType,
  type ProposalRef,
  type QueueProposalParameters,
  type QueueProposalReturnType,
} from "./governance/queueProposal.ts";
export {
  getDelegates,
  getDelegation,
  type GetDelegatesParameters,
  type GetDelegatesReturnType,
  type GetDelegationParameters,
  type GetDelegationReturnType,
} from "./governance/getDelegation.ts";
export { getGovernanceSettings, type GetGovernanceSettingsReturnType } from "./governance/getGovernanceSettings.ts";
// governance: gasless polls
export {
  createPoll,
  DEFAULT_POLL_SECONDS,
  type CreatePollParameters,
  type CreatePollReturnType,
} from "./governance/polls/createPoll.ts";
export {
  castPollVote,
  type CastPollVoteParameters,
  type CastPollVoteReturnType,
} from "./governance/polls/castPollVote.ts";
export { getPolls, type GetPollsParameters, type GetPollsReturnType } from "./governance/polls/getPolls.ts";
export { getPoll, type GetPollParameters, type GetPollReturnType } from "./governance/polls/getPoll.ts";
export {
  getPollVotes,
  type GetPollVotesParameters,
  type GetPollVotesReturnType,
} from "./governance/polls/getPollVotes.ts";
export {
  getPollTally,
  type GetPollTallyParameters,
  type GetPollTallyReturnType,
} from "./governance/polls/getPollTally.ts";
export {
  verifyPollTally,
  type PollTallyDifference,
  type VerifyPollTallyParameters,
  type VerifyPollTallyReturnType,
} from "./governance/polls/verifyPollTally.ts";
// dev chain
export { requestFaucet, type RequestFaucetParameters, type RequestFaucetReturnType } from "./dev/requestFaucet.ts";

// The protocol's record building blocks, so that apps need one import.
export {
  buildRecord,
  FAMILIES,
  familyOf,
  verifyEnvelope,
  type AuthorBatch,
  type BodyOf,
  type Envelope,
  type Family,
  type ListingV1,
  type ReviewV1,
  type PollV1,
  type PollVoteV1,
  type PollChoice,
  type PollSystem,
  type PollState,
  type PollTally,
  type ProfileV1,
  type RecordType,
  type SignedRecord,
  type UnsignedRecord,
} from "@stoa/protocol";
export type {
  ApiChainStatus,
  ApiMarketListing,
  ApiMarketListingPage,
  ApiMarketOrder,
  ApiSellerRating,
  ApiSellerReviews,
  ApiFaucetGrant,
  ApiNodeStatus,
  ApiPutResult,
  ApiRecordPage,
  ApiRecordQuery,
  ApiStoredRecord,
  ApiPoll,
  ApiPollPage,
  ApiPollVote,
  ApiPollVotePage,
  ApiPollTally,
} from "@stoa/protocol/api";
