import type { Hash } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { writeContract, type WriteContractReturnType } from "../chain/writeContract.ts";
import type { VoteSupport } from "./getProposals.ts";

export type CastVoteParameters = {
  proposalId: string | bigint;
  support: VoteSupport;
  /** Shown beside the vote; stored in the VoteCast event. */
  reason?: string;
  onHash?: (hash: Hash) => void;
};
export type CastVoteReturnType = WriteContractReturnType;

const SUPPORT: Record<VoteSupport, number> = { against: 0, for: 1, abstain: 2 };
const MAX_REASON = 2_000;

/**
 * Votes on an active proposal with the signer's voting power at the proposal's snapshot
 * (StoaGovernor.castVoteWithReason). Refused on chain (StoaContractError, no gas spent) when the
 * proposal is not active or the signer already voted.
 */
export function castVote(
  client: StoaBaseClient,
  { proposalId, support, reason = "", onHash }: CastVoteParameters,
): Promise<CastVoteReturnType> {
  if (!(support in SUPPORT)) throw new RangeError(`support must be for, against or abstain: ${String(support)}`);
  if (reason.length > MAX_REASON) throw new RangeError(`a vote's reason is at most ${MAX_REASON} characters`);
  return writeContract(client, {
    contract: "governor",
    functionName: "castVoteWithReason",
    args: [BigInt(proposalId), SUPPORT[support], reason],
    onHash,
  });
}
