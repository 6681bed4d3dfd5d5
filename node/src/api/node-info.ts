/**
 * The node itself: identity and addresses, record counts per family, refusals, storage, and its
 * peers. Connecting to a peer is an operator's act (admin token).
 */
import type { FamilyStore } from "@stoa/core";
import { FAMILIES, type Family } from "@stoa/protocol";
import { multiaddr, type Multiaddr } from "@multiformats/multiaddr";
import { nodeStatusSchema, peerSchema, peersSchema } from "@stoa/protocol/api";
import { z } from "zod";
import packageJson from "../../package.json" with { type: "json" };
import type { DaemonContext } from "../context.ts";
import type { ApiApp } from "./app.ts";
import type { DiskUsage } from "./disk-usage.ts";
import { ApiError, badRequest } from "./errors.ts";
import { requireAdmin } from "./guards.ts";
import { bearer, errors } from "./schemas.ts";

/** How long a dial may take (ms). */
export const DIAL_TIMEOUT_MS = 10_000;

export const API_VERSION = packageJson.version;

/** The families this node has open. */
export function openFamilies(ctx: DaemonContext): FamilyStore[] {
  const stores: FamilyStore[] = [];
  for (const family of Object.keys(FAMILIES) as Family[]) {
    try {
      stores.push(ctx.node.family(family));
    } catch {
      // not opened on this node
    }
  }
  return stores;
}

async function nodeStatus(ctx: DaemonContext, disk: DiskUsage) {
  const { node } = ctx;
  const families: Record<string, { records: number; address: string }> = {};
  for (const store of openFamilies(ctx))
    families[store.family] = { records: await store.count(), address: store.address };
  return {
    peerId: node.peerId.toString(),
    network: node.network,
    version: API_VERSION,
    multiaddrs: node.multiaddrs.map(String),
    startedAt: new Date(ctx.startedAt).toISOString(),
    uptimeMs: Date.now() - ctx.startedAt,
    peers: node.peers().length,
    families,
    refusals: node.refusals.counts() as Record<string, number>,
    storage: await disk.parts(),
  };
}

function connectedPeers(ctx: DaemonContext) {
  const byPeer = new Map<string, z.infer<typeof peerSchema>>();
  for (const connection of ctx.node.libp2p.getConnections()) {
    const peerId = connection.remotePeer.toString();
    if (byPeer.has(peerId)) continue;
    byPeer.set(peerId, { peerId, address: connection.remoteAddr.toString(), direction: connection.direction });
  }
  return [...byPeer.values()];
}

function parseAddress(text: string): Multiaddr {
  try {
    return multiaddr(text);
  } catch {
    throw badRequest(`not a multiaddr: ${text.slice(0, 200)}`, "address");
  }
}

export function registerNodeRoutes(app: ApiApp, ctx: DaemonContext, disk: DiskUsage): void {
  app.get(
    "/v1/node",
    {
      schema: {
        tags: ["node"],
        summary: "The node: identity, addresses, families, refusals, storage",
        response: { 200: nodeStatusSchema, ...errors(503) },
      },
    },
    async () => nodeStatus(ctx, disk),
  );

  app.get(
    "/v1/peers",
    {
      schema: {
        tags: ["node"],
        summary: "Connected peers",
        response: { 200: peersSchema, ...errors(503) },
      },
    },
    () => ({ peers: connectedPeers(ctx) }),
  );

  app.post(
    "/v1/peers",
    {
      onRequest: requireAdmin(() => ctx.adminToken),
      schema: {
        tags: ["node"],
        summary: "Connect to a peer (admin)",
        security: bearer("admin"),
        body: z.strictObject({
          address: z.string().min(1).max(1000).describe("Multiaddr, e.g. /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW..."),
        }),
        response: { 200: peerSchema, ...errors(400, 401, 403, 502) },
      },
    },
    async (request) => {
      const address = parseAddress(request.body.address);
      const { libp2p } = ctx.node;
      try {
        const connection = await libp2p.dial(address, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) });
        return {
          peerId: connection.remotePeer.toString(),
          address: connection.remoteAddr.toString(),
          direction: connection.direction,
        };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ApiError(502, "dial-failed", `could not connect to ${address.toString()}: ${reason}`, {
          field: "address",
        });
      }
    },
  );
}
