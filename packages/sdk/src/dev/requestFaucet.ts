import { faucetGrantSchema } from "@stoa/protocol/api";
import type { Hash } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { nodeJson } from "../http.ts";

export type RequestFaucetParameters = { signal?: AbortSignal };
/** What the faucet sent, in wei (STOA has 18 decimals), and the hashes of its mined transactions. */
export type RequestFaucetReturnType = {
  /** STOA sent, in token wei (1,000 STOA). */
  token: bigint;
  /** ETH sent, in wei: 10 ETH, or 0n when the account already held 1 ETH or more. */
  eth: bigint;
  txs: Hash[];
};

/**
 * Asks the node's dev faucet (POST /v1/dev/faucet) for 1,000 STOA, and 10 ETH when low on gas,
 * for the signed-in account; resolves once the transactions are mined. Dev chain only: on a node
 * that follows another chain it is StoaApiError 404. Once a minute per account, else StoaApiError
 * 429 `faucet-rate-limited`. Needs a session (SessionRequiredError).
 */
export async function requestFaucet(
  client: StoaBaseClient,
  { signal }: RequestFaucetParameters = {},
): Promise<RequestFaucetReturnType> {
  const grant = await nodeJson(client, faucetGrantSchema, {
    method: "POST",
    path: "/v1/dev/faucet",
    body: {},
    session: "required",
    signal,
    action: "requestFaucet",
  });
  return { token: BigInt(grant.token), eth: BigInt(grant.eth), txs: grant.txs as Hash[] };
}
