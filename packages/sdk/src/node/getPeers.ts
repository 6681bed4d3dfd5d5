import { peersSchema, type ApiPeer } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../base.ts";
import { nodeJson } from "../http.ts";

export type GetPeersParameters = { signal?: AbortSignal };
/** One entry per connected peer: its id, the remote multiaddr and the connection's direction. */
export type GetPeersReturnType = ApiPeer[];

/** The node's connected peers (GET /v1/peers). */
export async function getPeers(
  client: StoaBaseClient,
  { signal }: GetPeersParameters = {},
): Promise<GetPeersReturnType> {
  return (await nodeJson(client, peersSchema, { path: "/v1/peers", signal, action: "getPeers" })).peers;
}
