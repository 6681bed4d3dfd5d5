/**
 * Stoa's figures, measured with stoa-peer processes on 127.0.0.1: validated writes per second,
 * a late joiner, records written on A queryable on B, content between nodes, RSS, then the query
 * workload over the full family on one node and the same node restarted from disk.
 */
import { join } from "node:path";
import type { Envelope } from "@stoa/protocol";
import { ListingSource, NETWORK } from "./corpus.ts";
import { NodeProcess } from "./ipc.ts";
import { percentile, sleep } from "./measure.ts";
import { toRecordQuery, type Workload, type WorkloadQuery } from "./queries.ts";
import type { StoaPeerHandlers } from "./stoa-peer.ts";

const PEER = new URL("./stoa-peer.ts", import.meta.url);
/** The V8 and glibc settings proposed for a lean node process (measured beside the defaults). */
export const LEAN_PROCESS = { execArgv: ["--max-semi-space-size=2"], env: { MALLOC_ARENA_MAX: "2" } };

export interface StoaOptions {
  dir: string;
  /** Envelopes per write-rate series, by records per envelope (1 = single records). */
  writeSeries: Record<number, number>;
  lateJoinRecords: number;
  replicationRuns: number;
  singleRuns: number;
  fileBytes: number;
  fileRuns: number;
  /** Listings on the node when the query workload runs. */
  queryRecords: number;
  log: (line: string) => void;
}

export interface WriteSeries {
  size: number;
  records: number;
  perSecond: number;
  p50Ms: number;
}

export interface StoaFigures {
  writes: WriteSeries[];
  lateJoin: { records: number; entries: number; ms: number };
  /** Per run: the last of 1,000 records (10 batches) queryable on B after the last write on A (ms). */
  batchVisibleMs: number[];
  /** Per run: the last of 100 single records queryable on B after the last write (ms). */
  singleVisibleMs: number[];
  /** The gossip validator on B: time per message of the batch runs (ms). */
  validator: { messages: number; p50: number; p95: number };
  freshAuthors: { written: number; arrived: number; refusals: Record<string, number> };
  contentMiBps: number[];
  idleRssMB: number[];
  /** A node started with LEAN_PROCESS: idle RSS, and batches of 50 written per second. */
  lean: { idleRssMB: number; perSecond: number };
  loadedRssMB: number[];
  load: { records: number; perSecond: number };
  /** Shape -> time of each query, in the node's process (ms). */
  queries: Record<string, number[]>;
  restart: { startMs: number; ingestedAtStart: number; held: number; firstQueryMs: number };
  /** The listing numbers on the node when the queries ran (for the SQLite baseline). */
  numbers: number[];
}

type Stoa = NodeProcess<StoaPeerHandlers>;
type Log = (line: string) => void;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Puts `records` listings on `peer` in batches, signing the next chunk while the node writes. */
async function load(peer: Stoa, source: ListingSource, records: number, size = 100, chunk = 20) {
  let pending: Envelope[] = source.envelopes(Math.min(chunk, Math.ceil(records / size)), size);
  let written = 0;
  let busy = 0;
  while (pending.length > 0) {
    const writing = peer.call("put", { family: "listings", envelopes: pending });
    written += pending.length * size;
    const left = Math.ceil((records - written) / size);
    pending = left > 0 ? source.envelopes(Math.min(chunk, left), size) : [];
    busy += sum((await writing).ms);
  }
  return { records: written, perSecond: written / (busy / 1000) };
}

/** Each series of envelopes put on `a` (signed beforehand): records per second of put time. */
async function measureWrites(a: Stoa, source: ListingSource, series: Record<number, number>, log: Log) {
  const writes: WriteSeries[] = [];
  for (const [size, count] of Object.entries(series).map(([s, c]) => [Number(s), c] as const)) {
    const result = await a.call("put", { family: "listings", envelopes: source.envelopes(count, size) });
    const perSecond = (count * size) / (sum(result.ms) / 1000);
    writes.push({ size, records: count * size, perSecond, p50Ms: percentile(result.ms, 50) });
    log(`stoa: ${count} x ${size === 1 ? "single records" : `batches of ${size}`}: ${perSecond.toFixed(0)} records/s`);
  }
  return writes;
}

/** Per run, how long after its last write on `a` the last record is queryable on `b` (ms). */
async function measureVisibility(a: Stoa, b: Stoa, runs: number, envelopes: () => Envelope[]) {
  const after: number[] = [];
  for (let run = 0; run < runs; run++) {
    const written = await a.call("put", { family: "listings", envelopes: envelopes() });
    const seen = await b.call("waitIds", { ids: written.ids, timeoutMs: 30_000 });
    after.push(seen.arrived === written.ids.length ? seen.last - written.t1 : Number.NaN);
    await sleep(300);
  }
  return after;
}

async function measureContent(a: Stoa, b: Stoa, bytes: number, runs: number) {
  const mibps: number[] = [];
  for (let run = 0; run < runs; run++) {
    const file = await a.call("addContent", { bytes });
    const got = await b.call("catContent", { cid: file.cid });
    if (got.sha256 !== file.sha256) throw new Error("stoa content: the file arrived altered");
    mibps.push(got.bytes / 1048576 / (got.ms / 1000));
  }
  return mibps;
}

/** Idle RSS and batch write rate of a fresh node started with LEAN_PROCESS. */
async function measureLean(dir: string, source: ListingSource, spawn: (name: string, lean: boolean) => Promise<Stoa>) {
  const lean = await spawn("stoa-lean", true);
  await lean.call("start", { dir, network: NETWORK });
  const idle = await lean.call("memory", { idleMs: 3_000 });
  // 20 entries first, so that every timed append carries OrbitDB's full 16 references, as on A.
  await lean.call("put", { family: "listings", envelopes: source.envelopes(20, 10) });
  const result = await lean.call("put", { family: "listings", envelopes: source.envelopes(12, 50) });
  await lean.stop();
  return { idleRssMB: idle.rssMB, perSecond: 600 / (sum(result.ms) / 1000) };
}

/**
 * Fills `a` up to `records` listings, then times `b` (started, not connected) from its dial to
 * holding them all, queryable. `entries` so far: the write series' envelopes.
 */
async function measureLateJoin(
  a: Stoa,
  b: Stoa,
  source: ListingSource,
  records: number,
  entries: number,
  address: string,
) {
  const topUp = Math.ceil((records - source.used) / 100);
  await load(a, source, records - source.used);
  const dial = await b.call("dial", { address });
  const synced = await b.call("waitCount", { family: "listings", count: source.used, timeoutMs: 300_000 });
  if (synced.held < source.used) throw new Error(`late joiner: ${synced.held}/${source.used} records`);
  return { records: source.used, entries: entries + topUp, ms: synced.at - dial.at };
}

/**
 * 1,000 records by fresh (unregistered) authors written on `a`: how many reach `b` within 5 s
 * under the default relay budget (240 records a minute per relaying peer), and `b`'s refusals.
 */
async function probeFreshAuthors(a: Stoa, b: Stoa, fresh: ListingSource) {
  const written = await a.call("put", { family: "listings", envelopes: fresh.envelopes(10, 100) });
  const seen = await b.call("waitIds", { ids: written.ids, timeoutMs: 5_000 });
  return { written: written.ids.length, arrived: seen.arrived, refusals: await b.call("refusals", undefined) };
}

/** The query workload, and a baseline run right after Stoa's run of each shape. */
export interface QueryHooks {
  /** The workload for the listings numbered as on the node. */
  workloadOf(numbers: number[]): Workload;
  /** Times `queries` of `shape` on the baseline (ms each). */
  beside(shape: string, queries: WorkloadQuery[]): number[];
}

export async function runStoa(
  o: StoaOptions,
  hooks: QueryHooks,
): Promise<StoaFigures & { beside: Record<string, number[]> }> {
  const spawned: Stoa[] = [];
  const spawn = async (name: string, lean = false) => {
    const peer = await NodeProcess.spawn<StoaPeerHandlers>(name, PEER, lean ? LEAN_PROCESS : {});
    spawned.push(peer);
    return peer;
  };
  const start = (peer: Stoa, name: string) => peer.call("start", { dir: join(o.dir, name), network: NETWORK });
  try {
    const [a, b] = await Promise.all([spawn("stoa-a"), spawn("stoa-b")]);
    const [ia] = await Promise.all([start(a, "stoa-a"), start(b, "stoa-b")]);
    const idle = await Promise.all([a.call("memory", { idleMs: 3_000 }), b.call("memory", { idleMs: 0 })]);
    o.log(
      `stoa: idle node (5 families open): RSS ${idle.map((m) => m.rssMB.toFixed(0)).join(" / ")} MB, heap ${idle[0].heapMB.toFixed(0)} of ${idle[0].heapTotalMB.toFixed(0)} MB`,
    );

    const main = new ListingSource("main", 1_000);
    const writes = await measureWrites(a, main, o.writeSeries, o.log);
    const lateJoin = await measureLateJoin(
      a,
      b,
      main,
      o.lateJoinRecords,
      sum(Object.values(o.writeSeries)),
      ia.address,
    );
    o.log(
      `stoa: late joiner synced ${lateJoin.records} records (${lateJoin.entries} entries) in ${(lateJoin.ms / 1000).toFixed(1)} s`,
    );

    await b.call("register", { authors: main.sellers.map((w) => w.address) });
    const batchVisibleMs = await measureVisibility(a, b, o.replicationRuns, () => main.envelopes(10, 100));
    o.log(
      `stoa: 1,000 records queryable on B after the last write: ${batchVisibleMs.map((ms) => ms.toFixed(0)).join(", ")} ms`,
    );
    const guard = await b.call("guard", { family: "listings" });
    const singleVisibleMs = await measureVisibility(a, b, o.singleRuns, () => main.envelopes(100, 1));
    o.log(
      `stoa: 100 single records queryable on B after the last write: ${singleVisibleMs.map((ms) => ms.toFixed(0)).join(", ")} ms`,
    );
    const contentMiBps = await measureContent(a, b, o.fileBytes, o.fileRuns);
    o.log(`stoa: ${o.fileBytes / 1048576} MiB A -> B: ${contentMiBps.map((x) => x.toFixed(1)).join(", ")} MiB/s`);

    const fresh = new ListingSource("fresh", 10, 10_000_000);
    const freshAuthors = await probeFreshAuthors(a, b, fresh);
    o.log(
      `stoa: fresh authors: ${freshAuthors.arrived}/${freshAuthors.written} records on B within 5 s, refusals on B ${JSON.stringify(freshAuthors.refusals)}`,
    );
    const loaded = await Promise.all([a.call("memory", {}), b.call("memory", {})]);
    const both = (key: "rssMB" | "heapMB" | "externalMB") => loaded.map((m) => m[key].toFixed(0)).join(" / ");
    o.log(
      `stoa: after the runs: RSS ${both("rssMB")} MB, heap ${both("heapMB")} MB, external ${both("externalMB")} MB`,
    );
    await b.stop();
    const lean = await measureLean(join(o.dir, "stoa-lean"), new ListingSource("lean", 20, 20_000_000), spawn);
    o.log(
      `stoa: lean process (${LEAN_PROCESS.execArgv.join(" ")}, MALLOC_ARENA_MAX=2): idle RSS ${lean.idleRssMB.toFixed(0)} MB, batches of 50 ${lean.perSecond.toFixed(0)} records/s`,
    );

    const loadFigures = await load(a, main, o.queryRecords - main.used - fresh.used);
    const numbers = [...main.numbers(), ...fresh.numbers()];
    o.log(
      `stoa: loaded to ${numbers.length} listings through the node at ${loadFigures.perSecond.toFixed(0)} records/s`,
    );
    const workload = hooks.workloadOf(numbers);
    await a.call("memory", { idleMs: 2_000 }); // let the load's background work (compactions, GC) settle
    const queries: Record<string, number[]> = {};
    const beside: Record<string, number[]> = {};
    for (const [shape, list] of Object.entries(workload.shapes)) {
      queries[shape] = (await a.call("query", { family: "listings", queries: list.map(toRecordQuery) })).ms;
      beside[shape] = hooks.beside(shape, list);
    }
    await a.stop();

    const again = await spawn("stoa-a-restarted");
    const restarted = await start(again, "stoa-a");
    const count = await again.call("count", { family: "listings" });
    const firstQuery = toRecordQuery(workload.shapes["text, medium word + category"]![0]!);
    const first = await again.call("query", { family: "listings", queries: [firstQuery], warmup: 0 });
    const restart = {
      startMs: restarted.startMs,
      ingestedAtStart: restarted.ingestedAtStart,
      held: count,
      firstQueryMs: first.ms[0]!,
    };
    o.log(
      `stoa: restart with ${count} listings: start ${restart.startMs.toFixed(0)} ms, re-indexed ${restart.ingestedAtStart} records, first query ${restart.firstQueryMs.toFixed(1)} ms`,
    );
    return {
      writes,
      lateJoin,
      batchVisibleMs,
      singleVisibleMs,
      validator: { messages: guard?.messages ?? 0, p50: guard?.ms.p50 ?? Number.NaN, p95: guard?.ms.p95 ?? Number.NaN },
      freshAuthors,
      contentMiBps,
      idleRssMB: idle.map((m) => m.rssMB),
      lean,
      loadedRssMB: loaded.map((m) => m.rssMB),
      load: loadFigures,
      queries,
      restart,
      numbers,
      beside,
    };
  } finally {
    await Promise.all(spawned.map((p) => p.stop()));
  }
}
