/**
 * The raw baseline node, one per process: plain Helia light + libp2p (TCP on 127.0.0.1, noise,
 * yamux, identify, gossipsub, bitswap) + OrbitDB 4 with a `documents` database under the default
 * IPFSAccessController, composed as in the p2p spike (spikes/p2p/node.ts) that measured STACK.md's
 * figures. No Stoa code: no record signatures, no validation, no index.
 */
import { mkdirSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { withBitswap } from "@helia/bitswap";
import { withLibp2pLight } from "@helia/libp2p";
import { unixfs } from "@helia/unixfs";
import * as dagCbor from "@ipld/dag-cbor";
import { gossipsub } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import { tcp } from "@libp2p/tcp";
import { multiaddr } from "@multiformats/multiaddr";
import { createOrbitDB, type Database, type LogEntry } from "@orbitdb/core";
import { LevelBlockstore } from "blockstore-level";
import { LevelDatastore } from "datastore-level";
import { createHeliaLight } from "helia";
import { CID } from "multiformats/cid";
import { loopbackOnlyGater } from "../src/network.ts";
import { serve } from "./ipc.ts";
import { memory, now } from "./measure.ts";

/** The documents database as the baseline uses it (query() and all() scan the log). */
interface RawDocuments extends Database {
  put(doc: RawDoc): Promise<string>;
  query(filter: (doc: RawDoc) => boolean): Promise<RawDoc[]>;
  all(): Promise<{ key: string }[]>;
}
interface RawDoc {
  _id: string;
  [field: string]: unknown;
}

async function createRawNode(dir: string, name: string) {
  mkdirSync(dir, { recursive: true });
  const blockstore = new LevelBlockstore(join(dir, "blocks"));
  const datastore = new LevelDatastore(join(dir, "data"));
  await blockstore.open();
  await datastore.open();
  const light = createHeliaLight({ blockstore, datastore, codecs: [dagCbor] });
  const helia = withBitswap(
    withLibp2pLight(light, {
      addresses: { listen: ["/ip4/127.0.0.1/tcp/0"] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      peerDiscovery: [],
      connectionGater: loopbackOnlyGater,
      services: { identify: identify(), pubsub: gossipsub({ allowPublishToZeroTopicPeers: true }) },
    }),
  );
  await helia.start();
  const orbitdb = await createOrbitDB({ ipfs: helia, id: name, directory: join(dir, "orbitdb") });
  const stop = async () => {
    await orbitdb.stop();
    await helia.stop();
    await blockstore.close();
    await datastore.close();
  };
  return { helia, orbitdb, fs: unixfs(helia), stop };
}

let node: Awaited<ReturnType<typeof createRawNode>> | undefined;
const dbs = new Map<string, RawDocuments>();
/** When each document key was first seen here, by database address (wall clock, ms). */
const seen = new Map<string, Map<string, number>>();
const wake: (() => void)[] = [];

const requireNode = () => {
  if (!node) throw new Error("not started");
  return node;
};
const requireDb = (address: string) => {
  const db = dbs.get(address);
  if (!db) throw new Error(`database ${address} is not open`);
  return db;
};
const doc = (prefix: string, i: number): RawDoc => ({
  _id: `${prefix}${i}`,
  n: i,
  group: i % 10,
  title: `title ${i}`,
  body: "lorem ipsum dolor sit amet ".repeat(4),
});
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

const handlers = {
  async init({ dir, name }: { dir: string; name: string }) {
    const started = now();
    node = await createRawNode(dir, name);
    return {
      peerId: node.helia.libp2p.peerId.toString(),
      address: node.helia.libp2p.getMultiaddrs().map(String)[0]!,
      startMs: now() - started,
    };
  },
  async open({ name }: { name: string }) {
    const started = now();
    const db = (await requireNode().orbitdb.open(name, { type: "documents" })) as unknown as RawDocuments;
    const keys = new Map<string, number>();
    dbs.set(db.address, db);
    seen.set(db.address, keys);
    db.events.on("update", (entry: LogEntry) => {
      if (entry.payload.op === "PUT" && !keys.has(entry.payload.key)) keys.set(entry.payload.key, now());
      for (const w of wake.splice(0)) w();
    });
    return { address: db.address, ms: now() - started };
  },
  async close({ address }: { address: string }) {
    await requireDb(address).close();
    dbs.delete(address);
  },
  async dial({ address }: { address: string }) {
    const started = now();
    await requireNode().helia.libp2p.dial(multiaddr(address));
    return { ms: now() - started };
  },
  /** Waits until the database's heads exchange has a peer. */
  async waitJoin({ address, timeoutMs = 10_000 }: { address: string; timeoutMs?: number }) {
    const db = requireDb(address);
    const started = now();
    while (db.peers.size === 0 && now() - started < timeoutMs) await new Promise((r) => setTimeout(r, 10));
    return { ms: now() - started, peers: db.peers.size };
  },
  /** `count` puts, each awaited: the write path of an OrbitDB application. */
  async put({ address, prefix, from, count }: { address: string; prefix: string; from: number; count: number }) {
    const db = requireDb(address);
    const t0 = now();
    for (let i = from; i < from + count; i++) await db.put(doc(prefix, i));
    const t1 = now();
    return { t0, t1, perSecond: count / ((t1 - t0) / 1000) };
  },
  /**
   * Waits until the document `key` arrived. The writer's log is linear and OrbitDB joins an
   * entry only with all its ancestors, so the last document written arriving means all did.
   */
  async waitKey({ address, key, timeoutMs }: { address: string; key: string; timeoutMs: number }) {
    const keys = seen.get(address);
    if (!keys) throw new Error(`database ${address} is not open`);
    const deadline = now() + timeoutMs;
    while (!keys.has(key) && now() < deadline) {
      await new Promise<void>((resolve) => {
        wake.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return { found: keys.has(key), at: keys.get(key) ?? now(), seen: keys.size };
  },
  /** Documents in the database (`all()`: a full log scan). */
  async count({ address }: { address: string }) {
    return (await requireDb(address).all()).length;
  },
  /** `query()` over the whole database (it scans the log), `runs` times. */
  async query({ address, runs }: { address: string; runs: number }) {
    const db = requireDb(address);
    const ms: number[] = [];
    let rows = 0;
    for (let i = 0; i < runs; i++) {
      const started = now();
      rows = (await db.query((d) => d.group === 3)).length;
      ms.push(now() - started);
    }
    return { ms, rows };
  },
  async addFile({ bytes }: { bytes: number }) {
    const content = randomBytes(bytes);
    const cid = await requireNode().fs.addBytes(content);
    return { cid: cid.toString(), sha256: sha256(content) };
  },
  async cat({ cid }: { cid: string }) {
    const started = now();
    const chunks: Uint8Array[] = [];
    for await (const chunk of requireNode().fs.cat(CID.parse(cid), { signal: AbortSignal.timeout(60_000) })) {
      chunks.push(chunk);
    }
    const ms = now() - started;
    const content = Buffer.concat(chunks);
    return { ms, bytes: content.length, sha256: sha256(content) };
  },
  memory,
  async stop() {
    for (const db of dbs.values()) await db.close();
    await node?.stop();
    setImmediate(() => process.exit(0));
  },
};

export type RawPeerHandlers = typeof handlers;
serve(handlers);
