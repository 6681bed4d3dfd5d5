/**
 * A StoaNode in its own process for the benchmark, driven over IPC (see ipc.ts). Unlike the test
 * harness's peer it times work where it happens (each put, each query, in this process, so IPC is
 * never part of a figure), records when every record id was first indexed, registers authors,
 * reads memory after a collection and counts what the index ingests while the node starts.
 *
 * Environment: none; everything comes with the `start` call.
 */
import { createHash, randomBytes } from "node:crypto";
import { tcp } from "@libp2p/tcp";
import type { Envelope, Family } from "@stoa/protocol";
import { loopbackOnlyGater, RecordIndex, StoaNode, type RecordQuery } from "../src/index.ts";
import { nodeStorage } from "../src/node/index.ts";
import { serve } from "./ipc.ts";
import { memory, now } from "./measure.ts";

let node: StoaNode | undefined;
/** When each record id was first indexed here (wall clock, ms). */
const arrivals = new Map<string, number>();
const wake = new Set<() => void>();

/** Records the index ingests, counted from process start (so a restart's re-indexing shows). */
let ingested = 0;
// eslint-disable-next-line @typescript-eslint/unbound-method -- called with its own `this` by the wrapper
const ingestMany = RecordIndex.prototype.ingestMany;
RecordIndex.prototype.ingestMany = function (this: RecordIndex, entries) {
  ingested += entries.reduce((n, entry) => n + entry.records.length, 0);
  return ingestMany.call(this, entries);
};

const requireNode = () => {
  if (!node) throw new Error("not started");
  return node;
};
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const waitForWake = (ms: number) =>
  new Promise<void>((resolve) => {
    const done = () => {
      wake.delete(done);
      resolve();
    };
    wake.add(done);
    setTimeout(done, ms);
  });

const handlers = {
  async start({ dir, network, families }: { dir: string; network: string; families?: Family[] }) {
    const started = now();
    node = new StoaNode({
      network,
      ...nodeStorage(dir),
      transports: [tcp()],
      listen: ["/ip4/127.0.0.1/tcp/0"],
      connectionGater: loopbackOnlyGater,
      ...(families ? { families } : {}),
    });
    await node.start();
    const startMs = now() - started;
    for (const family of families ?? (["listings"] as Family[])) {
      node.family(family).subscribe((records) => {
        const at = now();
        for (const r of records) if (!arrivals.has(r.id)) arrivals.set(r.id, at);
        for (const w of wake) w();
      });
    }
    return {
      peerId: node.peerId.toString(),
      address: node.multiaddrs.map(String)[0]!,
      startMs,
      ingestedAtStart: ingested,
    };
  },
  /** Marks authors as established (as if registered on chain): no relay budget for them. */
  register({ authors }: { authors: string[] }) {
    for (const author of authors) requireNode().policy.register(author);
    return authors.length;
  },
  async dial({ address }: { address: string }) {
    const started = now();
    await requireNode().dial(address);
    return { at: started, ms: now() - started };
  },
  /** Puts `envelopes` one after another (each awaited): the latency of each, and wall-clock bounds. */
  async put({ family, envelopes }: { family: Family; envelopes: Envelope[] }) {
    const store = requireNode().family(family);
    const ms: number[] = [];
    const ids: string[] = [];
    const t0 = now();
    for (const envelope of envelopes) {
      const started = performance.now();
      const result = await store.put(envelope);
      ms.push(performance.now() - started);
      for (const r of result.records) ids.push(r.id);
    }
    return { ms, t0, t1: now(), ids };
  },
  /** Waits until every id in `ids` was indexed here; `last` is when the last one was. */
  async waitIds({ ids, timeoutMs }: { ids: string[]; timeoutMs: number }) {
    const deadline = now() + timeoutMs;
    const missing = () => ids.filter((id) => !arrivals.has(id)).length;
    while (missing() > 0 && now() < deadline) await waitForWake(100);
    const times = ids.map((id) => arrivals.get(id)).filter((t): t is number => t !== undefined);
    return { arrived: times.length, last: Math.max(0, ...times) };
  },
  /** Waits until `family` holds `count` current records; `at` is when it did. */
  async waitCount({ family, count, timeoutMs }: { family: Family; count: number; timeoutMs: number }) {
    const store = requireNode().family(family);
    const deadline = now() + timeoutMs;
    let held = await store.count();
    while (held < count && now() < deadline) {
      await waitForWake(50);
      held = await store.count();
    }
    return { held, at: now() };
  },
  async count({ family }: { family: Family }) {
    return requireNode().family(family).count();
  },
  /** Runs each query once, in this process: the time of each (ms) and the rows it returned. */
  async query({ family, queries, warmup = 20 }: { family: Family; queries: RecordQuery[]; warmup?: number }) {
    const store = requireNode().family(family);
    for (const q of queries.slice(0, warmup)) await store.query(q);
    const ms: number[] = [];
    let rows = 0;
    for (const q of queries) {
      const started = performance.now();
      rows += (await store.query(q)).items.length;
      ms.push(performance.now() - started);
    }
    return { ms, rows: rows / queries.length };
  },
  async addContent({ bytes }: { bytes: number }) {
    const content = randomBytes(bytes);
    const cid = await requireNode().content.addBytes(content);
    return { cid, sha256: sha256(content) };
  },
  async catContent({ cid }: { cid: string }) {
    const started = now();
    const content = await requireNode().content.catBytes(cid);
    return { ms: now() - started, bytes: content.length, sha256: sha256(content) };
  },
  /** The gossip validator's time per message of `family` (p50, p95, ms) and its counters. */
  guard({ family }: { family: Family }) {
    const stats = requireNode().guardStats().families[family];
    return stats ? { ...stats, fetch: undefined } : undefined;
  },
  refusals() {
    return requireNode().refusals.counts();
  },
  memory,
  async stop() {
    await node?.stop();
    setImmediate(() => process.exit(0));
  },
};

export type StoaPeerHandlers = typeof handlers;
serve(handlers);
