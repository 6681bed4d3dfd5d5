/** The node over the API: its status, its peers, liveness and readiness. */
import { z } from "zod";

export const nodeStatusSchema = z
  .object({
    peerId: z.string(),
    network: z.string(),
    version: z.string().describe("Version of @stoa/node"),
    multiaddrs: z.array(z.string()),
    startedAt: z.string().describe("ISO 8601"),
    uptimeMs: z.number().int(),
    peers: z.number().int().describe("Connected peers"),
    families: z.record(z.string(), z.object({ records: z.number().int(), address: z.string() })),
    refusals: z.record(z.string(), z.number().int()).describe("Refused entries and writes, by reason"),
    storage: z.record(z.string(), z.number().int()).describe("Bytes on disk per part of the repo"),
  })
  .meta({ id: "NodeStatus" });

export const peerSchema = z.object({
  peerId: z.string(),
  address: z.string().describe("Remote multiaddr of the first open connection"),
  direction: z.enum(["inbound", "outbound"]),
});

export const peersSchema = z.object({ peers: z.array(peerSchema) });

export const healthSchema = z.object({ status: z.literal("ok") });

export const readySchema = z.object({
  ready: z.boolean(),
  node: z.boolean().describe("The light node is started"),
  chain: z.boolean().describe("The chain indexer is synced"),
});

export type ApiNodeStatus = z.output<typeof nodeStatusSchema>;
export type ApiPeer = z.output<typeof peerSchema>;
export type ApiHealth = z.output<typeof healthSchema>;
export type ApiReady = z.output<typeof readySchema>;
