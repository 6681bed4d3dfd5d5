import {
  delegateSchema,
  delegateSummarySchema,
  type ApiChainDelegate,
  type ApiChainDelegateSummary,
} from "@stoa/protocol/api";
import type { Address } from "viem";
import { z } from "zod";
import type { StoaBaseClient } from "../base.ts";
import { nodeJson } from "../http.ts";

export type GetDelegationParameters = { account: Address; signal?: AbortSignal };
/** Voting power (STOA wei, decimal string), whom the account delegates to, and who delegates to it. */
export type GetDelegationReturnType = ApiChainDelegate;

/** An account's delegation as the node's chain index has it (GET /v1/chain/delegates/:account). */
export function getDelegation(
  client: StoaBaseClient,
  { account, signal }: GetDelegationParameters,
): Promise<GetDelegationReturnType> {
  return nodeJson(client, delegateSchema, {
    path: `/v1/chain/delegates/${account}`,
    signal,
    action: "getDelegation",
  });
}

export type GetDelegatesParameters = { limit?: number; offset?: number; signal?: AbortSignal };
/** Accounts with voting power, most first. */
export type GetDelegatesReturnType = ApiChainDelegateSummary[];

const delegatesSchema = z.object({ delegates: z.array(delegateSummarySchema) });

/** The delegates' leaderboard (GET /v1/chain/delegates). */
export async function getDelegates(
  client: StoaBaseClient,
  { limit, offset, signal }: GetDelegatesParameters = {},
): Promise<GetDelegatesReturnType> {
  const params = new URLSearchParams();
  if (limit !== undefined) params.set("limit", String(limit));
  if (offset !== undefined) params.set("offset", String(offset));
  const { delegates } = await nodeJson(client, delegatesSchema, {
    path: `/v1/chain/delegates${params.size ? `?${params}` : ""}`,
    signal,
    action: "getDelegates",
  });
  return delegates;
}
