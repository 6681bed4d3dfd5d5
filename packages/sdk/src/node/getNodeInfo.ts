import { nodeStatusSchema, type ApiNodeStatus } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../base.ts";
import { nodeJson } from "../http.ts";

export type GetNodeInfoParameters = { signal?: AbortSignal };
/** Peer id, network, version, addresses, record counts per family, refusals, storage (bytes). */
export type GetNodeInfoReturnType = ApiNodeStatus;

/** The node's identity and state (GET /v1/node). */
export function getNodeInfo(
  client: StoaBaseClient,
  { signal }: GetNodeInfoParameters = {},
): Promise<GetNodeInfoReturnType> {
  return nodeJson(client, nodeStatusSchema, { path: "/v1/node", signal, action: "getNodeInfo" });
}
