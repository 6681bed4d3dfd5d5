import { chainStatusSchema, type ApiChainStatus } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../base.ts";
import { nodeJson } from "../http.ts";

export type GetChainStatusParameters = { signal?: AbortSignal };
/** Chain id, mode (dev or rpc), head block, contract addresses and ABI hashes, indexer progress (blocks). */
export type GetChainStatusReturnType = ApiChainStatus;

/** The chain the node follows and how far its indexer is (GET /v1/chain). */
export function getChainStatus(
  client: StoaBaseClient,
  { signal }: GetChainStatusParameters = {},
): Promise<GetChainStatusReturnType> {
  return nodeJson(client, chainStatusSchema, { path: "/v1/chain", signal, action: "getChainStatus" });
}
