import type { Address } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { readContract } from "../chain/readContract.ts";

export type GetVotesParameters = {
  account: Address;
  /** Votes as of this past time (unix seconds: the token's clock is timestamps); default now. */
  timepoint?: bigint;
};
/** Voting power in token wei (18 decimals): the balances delegated to `account`. */
export type GetVotesReturnType = bigint;

/** The voting power of `account` now (StoaToken.getVotes) or at a past `timepoint` (getPastVotes). */
export function getVotes(
  client: StoaBaseClient,
  { account, timepoint }: GetVotesParameters,
): Promise<GetVotesReturnType> {
  if (timepoint === undefined)
    return readContract(client, { contract: "token", functionName: "getVotes", args: [account] });
  return readContract(client, { contract: "token", functionName: "getPastVotes", args: [account, timepoint] });
}
