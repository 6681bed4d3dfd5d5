/**
 * A Stoa node in its own process, driven by its parent over IPC: the unit of every multi-process
 * test and benchmark. Run as `node peer.ts` through `fork()` (see harness.ts); all addresses are
 * loopback and the connection gater refuses anything else.
 *
 * Environment: PEER_DIR (repo directory), PEER_NETWORK, PEER_NAME (for logs), PEER_LISTEN,
 * PEER_POLICY and PEER_GUARD (JSON: StoaNodeOptions.policy and .guard), PEER_FAMILIES (comma
 * separated; default all), PEER_SURVIVE_UNHANDLED=1 (count unhandled promise rejections in
 * `stats` instead of crashing, as Node does by default).
 */
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { tcp } from "@libp2p/tcp";
import { TopicValidatorResult, type TopicValidatorFn } from "@libp2p/gossipsub";
import * as orbitdb from "@orbitdb/core";
import { Entry, type Database, type Log, type LogEntry } from "@orbitdb/core";
import { FAMILIES, type Envelope, type Family } from "@stoa/protocol";
import { loopbackOnlyGater, StoaNode } from "../../src/index.ts";
import type { NodeGuardOptions } from "../../src/guard/node-guard.ts";
import type { RefusalEvent, RefusalReason } from "../../src/guard/refusals.ts";
import type { RecordQuery } from "../../src/index/record-index.ts";
import { nodeStorage } from "../../src/node/index.ts";
import type { PolicyLimits } from "../../src/policy.ts";

export type Command =
  | { op: "start" }
  | { op: "stop" }
  | { op: "dial"; address: string }
  | { op: "hangUp"; peerId: string }
  | { op: "put"; family: Family; envelope: Envelope }
  | { op: "putMany"; family: Family; envelopes: Envelope[] }
  | { op: "get"; family: Family; id: string }
  | { op: "query"; family: Family; query: RecordQuery }
  | { op: "count"; family: Family }
  | { op: "waitForCount"; family: Family; count: number; timeoutMs: number }
  | { op: "arrivals"; ids: string[] }
  | { op: "deny"; author: string }
  | { op: "allow"; author: string }
  | { op: "stats" }
  | { op: "peers" }
  | { op: "putPaced"; family: Family; envelopes: Envelope[]; intervalMs: number }
  | { op: "waitForArrivals"; ids: string[]; timeoutMs: number }
  | { op: "register"; author: string }
  | { op: "refusalsOf"; entries: string[] }
  | { op: "log"; family: Family }
  | { op: "subscribers"; family: Family }
  | { op: "hasEntry"; family: Family; entry: string }
  | { op: "trace"; entries: string[] }
  | { op: "eventLoop" }
  | { op: "profile"; durationMs: number; path: string };

/**
 * The way of one entry through this node (epoch ms, null for a step it never took): first
 * received by gossip, accepted by the gossip validator, joined by OrbitDB (its update event).
 */
export interface EntryTrace {
  receivedAt: number | null;
  acceptedAt: number | null;
  joinedAt: number | null;
}

/** One put of `putPaced`: when it started (epoch ms) and how long it took, or why it failed. */
export interface PacedPut {
  id: string;
  /** The OrbitDB entry that carries it. */
  entry: string;
  startedAt: number;
  ms: number;
  error?: string;
}

/** A family's OrbitDB log as this node holds it. */
export interface LogSummary {
  /** Head entry hashes, sorted. */
  heads: string[];
  /** Entries reachable from the heads. */
  entries: number;
  /** sha256 of the sorted entry hashes: equal digests, equal logs. */
  digest: string;
}

export interface Request<C = Command> {
  id: number;
  command: C;
}
export type Response =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string } };

const dir = process.env.PEER_DIR!;
const network = process.env.PEER_NETWORK ?? "stoa-test";
const families = (process.env.PEER_FAMILIES?.split(",") ?? Object.keys(FAMILIES)) as Family[];
const logs = instrumentDocuments();
const node = new StoaNode({
  network,
  ...nodeStorage(dir),
  transports: [tcp()],
  listen: [process.env.PEER_LISTEN ?? "/ip4/127.0.0.1/tcp/0"],
  connectionGater: loopbackOnlyGater,
  families,
  policy: jsonEnv<Partial<PolicyLimits>>("PEER_POLICY"),
  guard: jsonEnv<Partial<NodeGuardOptions>>("PEER_GUARD"),
});
/** When each record id was first indexed here (ms since the epoch). */
const arrivals = new Map<string, number>();
const countWaiters = new Set<() => void>();
/** Entry traces by hash (the most recent entries). */
const traces = new Map<string, EntryTrace>();
const MAX_TRACES = 100_000;

function traceOf(hash: string): EntryTrace {
  let trace = traces.get(hash);
  if (!trace) {
    if (traces.size >= MAX_TRACES) traces.delete(traces.keys().next().value!);
    trace = { receivedAt: null, acceptedAt: null, joinedAt: null };
    traces.set(hash, trace);
  }
  return trace;
}

/** Refusal reasons by entry hash (the most recent entries). */
const refused = new Map<string, RefusalReason[]>();
const MAX_REFUSED_ENTRIES = 200_000;
node.refusals.addEventListener("refused", (event) => {
  const { entry, reason } = (event as CustomEvent<RefusalEvent>).detail;
  if (entry === undefined) return;
  const reasons = refused.get(entry);
  if (reasons) reasons.push(reason);
  else {
    if (refused.size >= MAX_REFUSED_ENTRIES) refused.delete(refused.keys().next().value!);
    refused.set(entry, [reason]);
  }
});

/**
 * OrbitDB reports entries it could not join (heads exchange, gossip past the validator) only with
 * console.error: count them by kind, and print them with PEER_VERBOSE=1.
 */
const joinErrors: Record<string, number> = {};
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  const text = args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(" ");
  const kind = /not allowed to write/.test(text)
    ? "can-append"
    : /Could not validate signature/.test(text)
      ? "entry-signature"
      : /doesn't match the log's id/.test(text)
        ? "wrong-log"
        : /abort|timeout|LoadBlockFailed/i.test(text)
          ? "block-fetch-timeout"
          : "other";
  joinErrors[kind] = (joinErrors[kind] ?? 0) + 1;
  if (process.env.PEER_VERBOSE || kind === "other") consoleError(`[${process.env.PEER_NAME}]`, ...args);
};

/** Event loop delay since the last `eventLoop` command. */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

/** Unhandled promise rejections survived (PEER_SURVIVE_UNHANDLED), the first printed. */
let unhandledRejections = 0;
if (process.env.PEER_SURVIVE_UNHANDLED) {
  process.on("unhandledRejection", (reason) => {
    if (unhandledRejections++ === 0)
      consoleError(`[${process.env.PEER_NAME}] unhandled rejection, kept alive:`, reason);
  });
}

/** CPU time this process used so far (user + system, ms). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function jsonEnv<T>(name: string): T | undefined {
  const value = process.env[name];
  return value ? (JSON.parse(value) as T) : undefined;
}

/**
 * Registers a wrapper of OrbitDB's documents database type that remembers each opened database's
 * log by address: StoaNode keeps its databases private, and the tests compare logs across nodes.
 */
function instrumentDocuments(): Map<string, Log> {
  type Open = (args: object) => Promise<Database>;
  const { Documents, useDatabaseType } = orbitdb as unknown as {
    Documents: (options?: object) => Open;
    useDatabaseType: (type: { type: string }) => void;
  };
  const opened = new Map<string, Log>();
  const documents = (options?: object): Open => {
    const open = Documents(options);
    return async (args) => {
      const db = await open(args);
      opened.set(db.address, db.log);
      db.events.on("update", (entry: LogEntry) => {
        const trace = traceOf(entry.hash);
        trace.joinedAt ??= Date.now();
      });
      return db;
    };
  };
  useDatabaseType(Object.assign(documents, { type: "documents" }));
  return opened;
}

async function summarize(family: Family): Promise<LogSummary> {
  const log = logs.get(node.family(family).address)!;
  const heads = (await log.heads()).map((e) => e.hash).sort();
  const hashes: string[] = [];
  for await (const entry of log.iterator()) hashes.push(entry.hash);
  hashes.sort();
  const digest = createHash("sha256").update(hashes.join("\n")).digest("hex");
  return { heads, entries: hashes.length, digest };
}

function nextWake(): Promise<void> {
  return new Promise<void>((resolve) => {
    const wake = () => {
      countWaiters.delete(wake);
      resolve();
    };
    countWaiters.add(wake);
    setTimeout(wake, 100);
  });
}

/** Wraps each family's gossip validator to trace when entries arrive and are accepted. */
function traceGossip(): void {
  const { topicValidators } = node.libp2p.services.pubsub;
  for (const family of families) {
    const topic = node.family(family).address;
    const validate = topicValidators.get(topic)!;
    const traced: TopicValidatorFn = async (peer, message) => {
      const receivedAt = Date.now();
      const result = await validate(peer, message);
      const hash = await Entry.decode(message.data).then(
        (entry) => entry.hash,
        () => undefined,
      );
      if (hash !== undefined) {
        const trace = traceOf(hash);
        trace.receivedAt ??= receivedAt;
        if (result === TopicValidatorResult.Accept) trace.acceptedAt ??= Date.now();
      }
      return result;
    };
    topicValidators.set(topic, traced);
  }
}

function watch(): void {
  for (const family of families) {
    node.family(family).subscribe((records) => {
      const now = Date.now();
      for (const r of records) if (!arrivals.has(r.id)) arrivals.set(r.id, now);
      for (const wake of countWaiters) wake();
    });
  }
}

async function run(command: Command): Promise<unknown> {
  switch (command.op) {
    case "start":
      await node.start();
      watch();
      traceGossip();
      return { peerId: node.peerId.toString(), addresses: node.multiaddrs.map(String) };
    case "stop":
      await node.stop();
      setImmediate(() => process.exit(0));
      return null;
    case "dial":
      await node.dial(command.address);
      return null;
    case "hangUp":
      await node.libp2p.hangUp(node.peers().find((p) => p.toString() === command.peerId)!);
      return null;
    case "put": {
      const result = await node.family(command.family).put(command.envelope);
      return { id: result.id, entry: result.entry, ids: result.records.map((r) => r.id) };
    }
    case "putMany": {
      const latencies: number[] = [];
      const ids: string[] = [];
      for (const envelope of command.envelopes) {
        const started = performance.now();
        const result = await node.family(command.family).put(envelope);
        latencies.push(performance.now() - started);
        ids.push(...result.records.map((r) => r.id));
      }
      return { latencies, ids };
    }
    case "get":
      return (await node.family(command.family).get(command.id)) ?? null;
    case "query":
      return node.family(command.family).query(command.query);
    case "count":
      return node.family(command.family).count();
    case "waitForCount": {
      const store = node.family(command.family);
      const deadline = Date.now() + command.timeoutMs;
      for (;;) {
        const count = await store.count();
        if (count >= command.count) return count;
        if (Date.now() > deadline) throw new Error(`timed out at ${count}/${command.count} records`);
        await nextWake();
      }
    }
    case "putPaced": {
      const store = node.family(command.family);
      const puts: PacedPut[] = [];
      let due = performance.now();
      for (const envelope of command.envelopes) {
        const startedAt = Date.now();
        const started = performance.now();
        try {
          const result = await store.put(envelope);
          puts.push({ id: result.records[0]!.id, entry: result.entry, startedAt, ms: performance.now() - started });
        } catch (error) {
          puts.push({ id: "", entry: "", startedAt, ms: performance.now() - started, error: String(error) });
        }
        due += command.intervalMs;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      }
      return puts;
    }
    case "waitForArrivals": {
      const deadline = Date.now() + command.timeoutMs;
      while (command.ids.some((id) => !arrivals.has(id)) && Date.now() < deadline) await nextWake();
      return command.ids.map((id) => arrivals.get(id) ?? null);
    }
    case "register":
      node.policy.register(command.author);
      return null;
    case "refusalsOf":
      return command.entries.map((entry) => refused.get(entry) ?? []);
    case "log":
      return summarize(command.family);
    case "subscribers":
      return node.libp2p.services.pubsub.getSubscribers(node.family(command.family).address).map(String);
    case "trace":
      return command.entries.map((hash) => traces.get(hash) ?? { receivedAt: null, acceptedAt: null, joinedAt: null });
    case "eventLoop": {
      const ms = (ns: number) => Math.round(ns / 1e5) / 10;
      const delay = { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) };
      loopDelay.reset();
      return delay;
    }
    case "profile": {
      // A CPU profile of this process (open it in Chrome's DevTools), for what a test measured.
      const session = new Session();
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.start");
      await new Promise((resolve) => setTimeout(resolve, command.durationMs));
      const { profile } = await session.post("Profiler.stop");
      session.disconnect();
      await writeFile(command.path, JSON.stringify(profile));
      return command.path;
    }
    case "hasEntry":
      return logs.get(node.family(command.family).address)!.has(command.entry);
    case "arrivals":
      return command.ids.map((id) => arrivals.get(id) ?? null);
    case "deny":
      await node.deny(command.author);
      return null;
    case "allow":
      await node.allow(command.author);
      return null;
    case "peers":
      return node.peers().map(String);
    case "stats":
      return {
        refusals: node.refusals.counts(),
        rssBytes: process.memoryUsage().rss,
        cpuMs: cpuMs(),
        peers: node.peers().length,
        guard: node.guardStats(),
        joinErrors,
        unhandledRejections,
        syncErrors: Object.fromEntries(families.map((f) => [f, node.family(f).syncErrors])),
      };
  }
}

process.on("message", (message: Request) => {
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
