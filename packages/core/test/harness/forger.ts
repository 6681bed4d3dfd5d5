/**
 * A hostile peer in its own process, driven by its parent over IPC (see `Forger` in harness.ts):
 * Helia light + libp2p (TCP on 127.0.0.1, loopback-only gater, gossipsub, bitswap) and OrbitDB
 * with the Stoa databases of the network opened by name (same addresses as every honest node),
 * without syncing: it never subscribes to a topic, so it relays nothing and joins nothing. It
 * builds entries by hand (forgeries.ts) and publishes them on a database's gossip topic at a set
 * rate, or pushes them through OrbitDB's heads exchange protocol, which the gossip validator never
 * sees.
 *
 * Environment: PEER_DIR (OrbitDB keystore), PEER_NETWORK, PEER_NAME.
 */
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { withBitswap } from "@helia/bitswap";
import { withLibp2pLight } from "@helia/libp2p";
import * as dagCbor from "@ipld/dag-cbor";
import { gossipsub } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import { peerIdFromString } from "@libp2p/peer-id";
import { tcp } from "@libp2p/tcp";
import { multiaddr } from "@multiformats/multiaddr";
import { createOrbitDB, Entry } from "@orbitdb/core";
import { databaseName, FAMILIES, type Family } from "@stoa/protocol";
import { MemoryBlockstore } from "blockstore-core/memory";
import { MemoryDatastore } from "datastore-core/memory";
import { createHeliaLight } from "helia";
import { base58btc } from "multiformats/bases/base58";
import { CID } from "multiformats/cid";
import { stoaAccessController } from "../../src/guard/access-controller.ts";
import { loopbackOnlyGater } from "../../src/network.ts";
import { craft, type CraftedEntry, type ForgeContext, type ForgedEntry, type ForgeryKind } from "./forgeries.ts";
import type { Request, Response } from "./peer.ts";

export type { ForgeContext, ForgedEntry, ForgeryKind } from "./forgeries.ts";

export interface FloodOptions {
  family: Family;
  /** Kinds published in turn. */
  kinds: ForgeryKind[];
  ratePerSec: number;
  durationMs: number;
  context?: ForgeContext;
  /**
   * Link each entry to the one before (`next`), as an OrbitDB writer's own log, and serve the
   * blocks over bitswap; by default every entry stands alone (empty `next`).
   */
  chain?: boolean;
}

export interface PreparedFlood {
  /** Time spent building the entries (ms). */
  craftMs: number;
  entries: ForgedEntry[];
}

export interface FloodReport {
  /** Messages published. */
  sent: number;
  /** When the flood started and ended (epoch ms). */
  startedAt: number;
  endedAt: number;
}

export interface HeadsPushReport {
  entries: ForgedEntry[];
  /** Time each peer took to take the heads (ms): from the first stream opened to the last closed. */
  ms: number[];
}

export type ForgerCommand =
  | { op: "start" }
  | { op: "stop" }
  | { op: "dial"; address: string }
  | { op: "hangUp"; peerId: string }
  | { op: "waitForSubscribers"; family: Family; peers: string[]; timeoutMs: number }
  | { op: "identityOf"; entry: string }
  | { op: "forge"; family: Family; kinds: ForgeryKind[]; context: ForgeContext }
  | ({ op: "prepareFlood" } & FloodOptions)
  | { op: "flood" }
  | { op: "pushHeads"; family: Family; kinds: ForgeryKind[]; peers: string[]; context: ForgeContext };

const network = process.env.PEER_NETWORK ?? "stoa-test";
const families = Object.keys(FAMILIES) as Family[];

function createHelia() {
  const light = createHeliaLight({
    blockstore: new MemoryBlockstore(),
    datastore: new MemoryDatastore(),
    codecs: [dagCbor],
  });
  const withNetwork = withLibp2pLight(light, {
    addresses: { listen: ["/ip4/127.0.0.1/tcp/0"] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: [],
    connectionGater: loopbackOnlyGater,
    services: { identify: identify(), pubsub: gossipsub({ allowPublishToZeroTopicPeers: true }) },
  });
  return withBitswap(withNetwork);
}

const helia = createHelia();
let orbit: Awaited<ReturnType<typeof createOrbitDB>>;
const addresses = new Map<Family, string>();

function target(family: Family) {
  const other = families.find((f) => f !== family)!;
  return {
    network,
    family,
    address: addresses.get(family)!,
    otherAddress: addresses.get(other)!,
    identity: orbit.identity,
  };
}

function withoutBytes({ bytes: _bytes, ...entry }: CraftedEntry): ForgedEntry {
  return entry;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function publish(family: Family, entry: CraftedEntry): Promise<void> {
  await helia.libp2p.services.pubsub.publish(addresses.get(family)!, entry.bytes);
}

let prepared: { options: FloodOptions; pool: CraftedEntry[] } | undefined;

/** Builds the flood's entries beforehand, so that signing does not compete with the honest nodes for CPU. */
async function prepareFlood(options: FloodOptions): Promise<PreparedFlood> {
  const { family, kinds, ratePerSec, durationMs, context = {}, chain = false } = options;
  const total = Math.round((ratePerSec * durationMs) / 1000);
  const started = performance.now();
  const pool: CraftedEntry[] = [];
  for (let i = 0; i < total; i++) {
    const next = chain && i > 0 ? [pool[i - 1]!.hash] : undefined;
    const entry = await craft(kinds[i % kinds.length]!, target(family), context, next);
    if (chain) await helia.blockstore.put(CID.parse(entry.hash, base58btc), entry.bytes);
    pool.push(entry);
  }
  prepared = { options, pool };
  return { craftMs: performance.now() - started, entries: pool.map(withoutBytes) };
}

/** Publishes the prepared entries at their rate, each without waiting for the last. */
async function flood(): Promise<FloodReport> {
  if (!prepared) throw new Error("no flood prepared");
  const { options, pool } = prepared;
  prepared = undefined;
  const startedAt = Date.now();
  const t0 = performance.now();
  const gap = 1000 / options.ratePerSec;
  for (const [i, entry] of pool.entries()) {
    publish(options.family, entry).catch(() => undefined);
    const wait = t0 + (i + 1) * gap - performance.now();
    if (wait > 0) await sleep(wait);
  }
  return { sent: pool.length, startedAt, endedAt: Date.now() };
}

/**
 * Plays the opening side of OrbitDB's heads exchange with `peer`, sending `entry` as our only
 * head: one stream per entry, since OrbitDB decodes each chunk it reads as one entry.
 */
async function pushHead(family: Family, peer: string, entry: CraftedEntry): Promise<void> {
  const stream = await helia.libp2p.dialProtocol(peerIdFromString(peer), `/orbitdb/heads${addresses.get(family)!}`);
  // Read (and drop) the peer's own heads, so that its side can finish.
  const drained = (async () => {
    for await (const _chunk of stream) {
      // nothing: the forger never joins honest heads
    }
  })().catch(() => undefined);
  stream.send(entry.bytes);
  await stream.close();
  await drained;
}

async function run(command: ForgerCommand): Promise<unknown> {
  switch (command.op) {
    case "start": {
      await helia.start();
      orbit = await createOrbitDB({ ipfs: helia, id: "forger", directory: process.env.PEER_DIR! });
      for (const family of families) {
        const db = await orbit.open(databaseName(network, family), {
          type: "documents",
          AccessController: stoaAccessController({ network, family }),
          sync: false,
        });
        addresses.set(family, db.address);
      }
      return {
        peerId: helia.libp2p.peerId.toString(),
        addresses: helia.libp2p.getMultiaddrs().map(String),
        identity: { hash: orbit.identity.hash, publicKey: orbit.identity.publicKey },
      };
    }
    case "stop":
      await orbit.stop();
      await helia.stop();
      setImmediate(() => process.exit(0));
      return null;
    case "dial":
      await helia.libp2p.dial(multiaddr(command.address));
      return null;
    case "hangUp":
      await helia.libp2p.hangUp(peerIdFromString(command.peerId));
      return null;
    case "waitForSubscribers": {
      const deadline = Date.now() + command.timeoutMs;
      const topic = addresses.get(command.family)!;
      for (;;) {
        const seen = new Set(helia.libp2p.services.pubsub.getSubscribers(topic).map(String));
        if (command.peers.every((p) => seen.has(p))) return null;
        if (Date.now() > deadline) throw new Error(`peers never subscribed to ${command.family} as seen by the forger`);
        await sleep(20);
      }
    }
    case "identityOf": {
      // Fetched from whoever holds it (bitswap), as an attacker would read a victim's entry.
      const chunks: Uint8Array[] = [];
      for await (const chunk of helia.blockstore.get(CID.parse(command.entry, base58btc), {
        signal: AbortSignal.timeout(5_000),
      })) {
        chunks.push(chunk);
      }
      const entry = await Entry.decode(Buffer.concat(chunks));
      return { hash: entry.identity, publicKey: entry.key };
    }
    case "forge": {
      const forged: ForgedEntry[] = [];
      for (const kind of command.kinds) {
        const entry = await craft(kind, target(command.family), command.context);
        await publish(command.family, entry);
        forged.push(withoutBytes(entry));
      }
      return forged;
    }
    case "prepareFlood": {
      const { op: _op, ...options } = command;
      return prepareFlood(options);
    }
    case "flood":
      return flood();
    case "pushHeads": {
      const entries: CraftedEntry[] = [];
      for (const kind of command.kinds) entries.push(await craft(kind, target(command.family), command.context));
      const ms = await Promise.all(
        command.peers.map(async (peer) => {
          const started = performance.now();
          for (const entry of entries) await pushHead(command.family, peer, entry);
          return performance.now() - started;
        }),
      );
      return { entries: entries.map(withoutBytes), ms } satisfies HeadsPushReport;
    }
  }
}

process.on("message", (message: Request<ForgerCommand>) => {
  run(message.command).then(
    (value) => process.send!({ id: message.id, ok: true, value } satisfies Response),
    (error: Error) =>
      process.send!({
        id: message.id,
        ok: false,
        error: { name: error.name, message: error.message },
      } satisfies Response),
  );
});
// The parent is gone (it crashed or was killed): do not outlive it.
process.on("disconnect", () => process.exit(1));
process.send!({ id: 0, ok: true, value: "ready" } satisfies Response);
