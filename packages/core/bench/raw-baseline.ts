/**
 * The raw OrbitDB baselines, measured in this run with two raw-peer processes on 127.0.0.1:
 * awaited puts on one node, `query()` over the filled database, a late joiner, documents visible
 * on the peer after the last put, a 5 MiB file over bitswap, RSS, and a restart from disk.
 */
import { join } from "node:path";
import { NodeProcess } from "./ipc.ts";
import { now } from "./measure.ts";
import type { RawPeerHandlers } from "./raw-peer.ts";

const PEER = new URL("./raw-peer.ts", import.meta.url);

export interface RawOptions {
  dir: string;
  /** Documents in the database `query()` scans. */
  queryDocs: number;
  /** Documents a late joiner syncs (the first puts). */
  lateJoinDocs: number;
  replicationRuns: number;
  fileBytes: number;
  fileRuns: number;
  log: (line: string) => void;
}

export interface RawFigures {
  putsPerSecond: number;
  queryDocs: number;
  /** `query()` times over `queryDocs` documents (ms). */
  queryMs: number[];
  lateJoin: { docs: number; ms: number };
  /** Per run: the last of 100 documents visible on the peer, after the last put (ms). */
  visibleAfterLastPutMs: number[];
  bitswapMiBps: number[];
  idleRssMB: number;
  loadedRssMB: number[];
  restart: { startMs: number; openMs: number; firstQueryMs: number };
}

type Raw = NodeProcess<RawPeerHandlers>;

/** `b` dials `a` and opens the database by address: how long until its last document arrived (ms). */
async function measureLateJoin(a: { address: string }, b: Raw, address: string, docs: number) {
  const dial = now();
  await b.call("dial", { address: a.address });
  await b.call("open", { name: address });
  const joined = await b.call("waitKey", { address, key: `d${docs - 1}`, timeoutMs: 300_000 });
  if (!joined.found) throw new Error(`raw late joiner: document d${docs - 1} never arrived`);
  await b.call("close", { address });
  return { docs, ms: joined.at - dial };
}

/** Per run, 100 puts on `a`: how long after the last put the last document is on `b` (ms). */
async function measureVisibility(a: Raw, b: Raw, runs: number) {
  const address = (await a.call("open", { name: "raw-bench-replication" })).address;
  await b.call("open", { name: address });
  await b.call("waitJoin", { address });
  const after: number[] = [];
  for (let run = 0; run < runs; run++) {
    const prefix = `r${run}-`;
    const written = await a.call("put", { address, prefix, from: 0, count: 100 });
    const seen = await b.call("waitKey", { address, key: `${prefix}99`, timeoutMs: 30_000 });
    after.push(seen.found ? seen.at - written.t1 : Number.NaN);
  }
  return after;
}

async function measureBitswap(a: Raw, b: Raw, bytes: number, runs: number) {
  const mibps: number[] = [];
  for (let run = 0; run < runs; run++) {
    const file = await a.call("addFile", { bytes });
    const got = await b.call("cat", { cid: file.cid });
    if (got.sha256 !== file.sha256) throw new Error("raw bitswap: the file arrived altered");
    mibps.push(got.bytes / 1048576 / (got.ms / 1000));
  }
  return mibps;
}

/** A fresh process on `a`'s directory: start, reopen the database, first `query()` (ms). */
async function measureRestart(again: Raw, dir: string, address: string) {
  const restarted = await again.call("init", { dir, name: "raw-a" });
  const reopened = await again.call("open", { name: "raw-bench-docs" });
  if (reopened.address !== address) throw new Error("raw restart: the database address changed");
  const first = await again.call("query", { address, runs: 1 });
  return { startMs: restarted.startMs, openMs: reopened.ms, firstQueryMs: first.ms[0]! };
}

export async function runRawBaseline(o: RawOptions): Promise<RawFigures> {
  const spawned: Raw[] = [];
  const spawn = async (name: string) => {
    const peer = await NodeProcess.spawn<RawPeerHandlers>(name, PEER);
    spawned.push(peer);
    return peer;
  };
  const f = (values: number[], digits = 0) => values.map((x) => x.toFixed(digits)).join(", ");
  try {
    const [a, b] = await Promise.all([spawn("raw-a"), spawn("raw-b")]);
    const [ia] = await Promise.all([
      a.call("init", { dir: join(o.dir, "raw-a"), name: "raw-a" }),
      b.call("init", { dir: join(o.dir, "raw-b"), name: "raw-b" }),
    ]);
    const { address } = await a.call("open", { name: "raw-bench-docs" });
    const idle = await a.call("memory", { idleMs: 3_000 });
    o.log(`raw: node + one documents database idle: RSS ${idle.rssMB.toFixed(0)} MB`);

    const puts = await a.call("put", { address, prefix: "d", from: 0, count: o.lateJoinDocs });
    o.log(`raw: ${o.lateJoinDocs} awaited puts: ${puts.perSecond.toFixed(0)}/s`);
    const lateJoin = await measureLateJoin(ia, b, address, o.lateJoinDocs);
    o.log(`raw: late joiner synced ${lateJoin.docs} documents in ${(lateJoin.ms / 1000).toFixed(1)} s`);

    await a.call("put", { address, prefix: "d", from: o.lateJoinDocs, count: o.queryDocs - o.lateJoinDocs });
    const query = await a.call("query", { address, runs: 3 });
    o.log(`raw: query() over ${o.queryDocs} documents: ${f(query.ms)} ms`);
    const visible = await measureVisibility(a, b, o.replicationRuns);
    o.log(`raw: 100 documents visible on the peer after the last put: ${f(visible)} ms`);
    const bitswap = await measureBitswap(a, b, o.fileBytes, o.fileRuns);
    o.log(`raw: ${o.fileBytes / 1048576} MiB over bitswap: ${f(bitswap, 1)} MiB/s`);
    const loaded = await Promise.all([a.call("memory", {}), b.call("memory", {})]);
    o.log(`raw: after the runs: RSS ${f(loaded.map((m) => m.rssMB))} MB`);

    await a.stop();
    const restart = await measureRestart(await spawn("raw-a-restarted"), join(o.dir, "raw-a"), address);
    o.log(
      `raw: restart ${f([restart.startMs])} ms, reopen ${f([restart.openMs])} ms, first query() ${f([restart.firstQueryMs])} ms`,
    );
    return {
      putsPerSecond: puts.perSecond,
      queryDocs: o.queryDocs,
      queryMs: query.ms,
      lateJoin,
      visibleAfterLastPutMs: visible,
      bitswapMiBps: bitswap,
      idleRssMB: idle.rssMB,
      loadedRssMB: loaded.map((m) => m.rssMB),
      restart,
    };
  } finally {
    await Promise.all(spawned.map((p) => p.stop()));
  }
}
