import type { Address } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { readContract } from "../chain/readContract.ts";

export type GetDelegateParameters = { account: Address };
/** The account `account` delegates its votes to (the zero address: none yet, so its tokens do not vote). */
export type GetDelegateReturnType = Address;

/** Whom `account` delegates its voting power to (StoaToken.delegates). */
export function getDelegate(
  client: StoaBaseClient,
  { account }: GetDelegateParameters,
): Promise<GetDelegateReturnType> {
  return readContract(client, { contract: "token", functionName: "delegates", args: [account] });
}
