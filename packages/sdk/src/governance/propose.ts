import { decodeEventLog, type Address, type Hash, type Hex } from "viem";
import { stoaAbis } from "../abi/index.ts";
import type { StoaBaseClient } from "../base.ts";
import { requireSigning } from "../base.ts";
import { chainOf } from "../chain/chainOf.ts";
import { readContract } from "../chain/readContract.ts";
import { writeContract, type WriteContractReturnType } from "../chain/writeContract.ts";
import { addContent } from "../content/addContent.ts";
import { StoaError } from "../errors.ts";
import { encodeActions, type ProposalAction } from "./actions.ts";
import { checkProposalTitle, proposalDescription } from "./description.ts";

export type ProposeParameters = {
  /** One line, at most 200 characters. */
  title: string;
  /** The proposal's text in Markdown: stored in IPFS through the node (needs a session). */
  body: string;
  /** What the proposal does when executed, in order. */
  actions: readonly ProposalAction[];
  onHash?: (hash: Hash) => void;
};
export type ProposeReturnType = WriteContractReturnType & {
  /** The governor's id of the proposal (decimal string, as the node's API gives it). */
  proposalId: string;
  /** The description on chain (queue and execute need it). */
  description: string;
  /** The CID of the Markdown body. */
  bodyCid: string;
  targets: Address[];
  values: bigint[];
  calldatas: Hex[];
};

/** Thrown when the signer's voting power is below the governor's proposal threshold. */
export class BelowProposalThresholdError extends StoaError {
  override name = "BelowProposalThresholdError";
  readonly votes: bigint;
  readonly threshold: bigint;
  constructor(votes: bigint, threshold: bigint) {
    super(
      `proposing needs ${threshold} wei of STOA voting power and the signer has ${votes}: ` +
        "delegate your tokens to yourself (or get delegations), then wait one block",
    );
    this.votes = votes;
    this.threshold = threshold;
  }
}

const MAX_BODY = 100_000;

/**
 * Creates a DAO proposal (StoaGovernor.propose): the Markdown body goes to IPFS, the description
 * on chain is its title and CID. Checks first that the signer may propose (voting power at the
 * previous second >= proposalThreshold), so that a refusal costs no gas and says why.
 */
export async function propose(
  client: StoaBaseClient,
  { title, body, actions, onHash }: ProposeParameters,
): Promise<ProposeReturnType> {
  const { address } = requireSigning(client, "propose");
  const { deployment, publicClient } = await chainOf(client, "propose");
  if (body.length > MAX_BODY) throw new RangeError(`a proposal's body is at most ${MAX_BODY} characters`);
  const calls = encodeActions(deployment, actions);
  const cleanTitle = checkProposalTitle(title); // before anything is uploaded

  const block = await publicClient.getBlock();
  const [threshold, votes] = await Promise.all([
    readContract(client, { contract: "governor", functionName: "proposalThreshold" }),
    readContract(client, { contract: "token", functionName: "getPastVotes", args: [address, block.timestamp - 1n] }),
  ]);
  if (votes < threshold) throw new BelowProposalThresholdError(votes, threshold);

  const { cid: bodyCid } = await addContent(client, { content: `# ${cleanTitle}\n\n${body}` });
  const description = proposalDescription(title, bodyCid);
  const sent = await writeContract(client, {
    contract: "governor",
    functionName: "propose",
    args: [calls.targets, calls.values, calls.calldatas, description],
    onHash,
  });
  let proposalId: bigint | undefined;
  for (const log of sent.receipt.logs) {
    try {
      const event = decodeEventLog({ abi: stoaAbis.governor, data: log.data, topics: log.topics });
      if (event.eventName === "ProposalCreated") proposalId = event.args.proposalId;
    } catch {
      // another contract's log
    }
  }
  if (proposalId === undefined) throw new StoaError(`no ProposalCreated in transaction ${sent.hash}`);
  return { ...sent, proposalId: proposalId.toString(), description, bodyCid, ...calls };
}
