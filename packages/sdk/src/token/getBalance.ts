import type { Address } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { readContract } from "../chain/readContract.ts";

export type GetBalanceParameters = { account: Address; blockNumber?: bigint };
/** The STOA balance in token wei (18 decimals). */
export type GetBalanceReturnType = bigint;

/** The STOA balance of `account` (StoaToken.balanceOf). */
export function getBalance(
  client: StoaBaseClient,
  { account, blockNumber }: GetBalanceParameters,
): Promise<GetBalanceReturnType> {
  return readContract(client, { contract: "token", functionName: "balanceOf", args: [account], blockNumber });
}
