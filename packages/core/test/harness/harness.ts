/**
 * Parent side of multi-process tests: spawn Stoa nodes (peer.ts) and forgers (forger.ts) as child
 * processes, each with its own repo directory, and drive them with typed calls. Every process is
 * ended by its PID.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Envelope, Family } from "@stoa/protocol";
import type { RefusalReason } from "../../src/guard/refusals.ts";
import type { NodeGuardStats } from "../../src/guard/node-guard.ts";
import type { RecordQuery, StoredRecord } from "../../src/index/record-index.ts";
import type {
  FloodOptions,
  FloodReport,
  ForgeContext,
  ForgedEntry,
  ForgerCommand,
  ForgeryKind,
  HeadsPushReport,
  PreparedFlood,
} from "./forger.ts";
import type { Command, EntryTrace, LogSummary, PacedPut, Response } from "./peer.ts";

const PEER = new URL("./peer.ts", import.meta.url);
const FORGER = new URL("./forger.ts", import.meta.url);

export class RemoteError extends Error {
  override name: string;
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** A child process answering `{ id, command }` requests over IPC (peer.ts and forger.ts). */
class ChildNode<C> {
  readonly name: string;
  readonly dir: string;
  peerId = "";
  addresses: string[] = [];
  #child!: ChildProcess;
  #next = 1;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  protected constructor(name: string, dir: string) {
    this.name = name;
    this.dir = dir;
  }

  get pid(): number {
    return this.#child.pid!;
  }

  get exited(): boolean {
    return this.#child.exitCode !== null || this.#child.signalCode !== null;
  }

  protected async fork(program: URL, env: Record<string, string>): Promise<void> {
    this.#child = fork(program, [], {
      env: { ...process.env, PEER_DIR: this.dir, PEER_NAME: this.name, ...env },
      execArgv: ["--disable-warning=ExperimentalWarning"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const ready = new Promise<void>((resolve, reject) => {
      this.#child.once("error", reject);
      this.#child.once("exit", (code) => reject(new Error(`${this.name} exited early (${code})`)));
      this.#child.on("message", (message: Response) => {
        if (message.id === 0) return resolve();
        const pending = this.#pending.get(message.id);
        if (!pending) return;
        this.#pending.delete(message.id);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(new RemoteError(message.error.name, message.error.message));
      });
    });
    this.#child.on("exit", () => {
      for (const p of this.#pending.values()) p.reject(new Error(`${this.name} exited`));
      this.#pending.clear();
    });
    await ready;
  }

  call(command: C): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ id, command });
    });
  }

  /** Graceful stop (the node's stop order), then the process exits. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.#child.once("exit", resolve));
    await this.call({ op: "stop" } as C).catch(() => undefined);
    await exited;
  }

  /** kill -9, as a crash. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.#child.once("exit", resolve));
    process.kill(this.pid, "SIGKILL");
    await exited;
  }
}

export interface PeerStats {
  refusals: Partial<Record<RefusalReason, number>>;
  rssBytes: number;
  /** CPU time the process used so far (user + system, ms). */
  cpuMs: number;
  peers: number;
  guard: NodeGuardStats;
  /** Entries OrbitDB failed to join (it only logs them), by kind. */
  joinErrors: Record<string, number>;
  /** Unhandled promise rejections the process survived (with PEER_SURVIVE_UNHANDLED=1). */
  unhandledRejections: number;
  /** Failed heads exchanges per family (each followed by a resubscription). */
  syncErrors: Partial<Record<Family, number>>;
}

/**
 * Options of an honest node process, passed as environment: policy limits and guard options as
 * JSON (see StoaNodeOptions.policy and .guard), the families to open (default all).
 */
export interface PeerEnv {
  PEER_SURVIVE_UNHANDLED?: string;
  PEER_POLICY?: string;
  PEER_GUARD?: string;
  PEER_FAMILIES?: string;
  [name: string]: string | undefined;
}

/** An honest Stoa node in its own process (peer.ts). */
export class Peer extends ChildNode<Command> {
  /** Spawns a node process for `dir` (reused across restarts) and starts the node. */
  static async spawn(name: string, dir: string, env: PeerEnv = {}): Promise<Peer> {
    const peer = new Peer(name, dir);
    await peer.fork(PEER, definedOnly(env));
    const started = (await peer.call({ op: "start" })) as { peerId: string; addresses: string[] };
    peer.peerId = started.peerId;
    peer.addresses = started.addresses;
    return peer;
  }

  dial(other: { addresses: string[] }): Promise<unknown> {
    return this.call({ op: "dial", address: other.addresses[0]! });
  }
  hangUp(other: { peerId: string }): Promise<unknown> {
    return this.call({ op: "hangUp", peerId: other.peerId });
  }
  put(family: Family, envelope: Envelope) {
    return this.call({ op: "put", family, envelope }) as Promise<{ id: string; entry: string; ids: string[] }>;
  }
  putMany(family: Family, envelopes: Envelope[]) {
    return this.call({ op: "putMany", family, envelopes }) as Promise<{ latencies: number[]; ids: string[] }>;
  }
  /** Puts `envelopes` one every `intervalMs` (each awaited); when each started (epoch ms) and took. */
  putPaced(family: Family, envelopes: Envelope[], intervalMs: number) {
    return this.call({ op: "putPaced", family, envelopes, intervalMs }) as Promise<PacedPut[]>;
  }
  get(family: Family, id: string) {
    return this.call({ op: "get", family, id }) as Promise<StoredRecord | null>;
  }
  query(family: Family, query: RecordQuery = {}) {
    return this.call({ op: "query", family, query }) as Promise<{ items: StoredRecord[]; next?: string }>;
  }
  count(family: Family) {
    return this.call({ op: "count", family }) as Promise<number>;
  }
  waitForCount(family: Family, count: number, timeoutMs = 30_000) {
    return this.call({ op: "waitForCount", family, count, timeoutMs }) as Promise<number>;
  }
  /** When each record id was first indexed here (epoch ms), or null. */
  arrivals(ids: string[]) {
    return this.call({ op: "arrivals", ids }) as Promise<(number | null)[]>;
  }
  /** Waits until every id is indexed here or `timeoutMs` passes; the arrival times (epoch ms) or null. */
  waitForArrivals(ids: string[], timeoutMs = 30_000) {
    return this.call({ op: "waitForArrivals", ids, timeoutMs }) as Promise<(number | null)[]>;
  }
  deny(author: string) {
    return this.call({ op: "deny", author });
  }
  allow(author: string) {
    return this.call({ op: "allow", author });
  }
  /** Marks `author` as registered here (exempt from relay budgets). */
  register(author: string) {
    return this.call({ op: "register", author });
  }
  stats() {
    return this.call({ op: "stats" }) as Promise<PeerStats>;
  }
  /** The refusal reasons this node recorded for each entry hash (empty when it never refused it). */
  refusalsOf(entries: string[]) {
    return this.call({ op: "refusalsOf", entries }) as Promise<RefusalReason[][]>;
  }
  /** The OrbitDB log of `family`: its heads, its entry count and a digest of its entry set. */
  log(family: Family) {
    return this.call({ op: "log", family }) as Promise<LogSummary>;
  }
  /** Peers subscribed to `family`'s database topic, as this node sees them. */
  subscribers(family: Family) {
    return this.call({ op: "subscribers", family }) as Promise<string[]>;
  }
  /** When each entry was received by gossip, accepted by the validator and joined by OrbitDB here. */
  trace(entries: string[]) {
    return this.call({ op: "trace", entries }) as Promise<EntryTrace[]>;
  }
  /** Event loop delay (ms) since the previous call: how starved the node's process was. */
  eventLoop() {
    return this.call({ op: "eventLoop" }) as Promise<{ p50: number; p99: number; max: number }>;
  }
  /** Records a CPU profile of the node's process for `durationMs` into `path` (.cpuprofile). */
  profile(durationMs: number, path: string) {
    return this.call({ op: "profile", durationMs, path }) as Promise<string>;
  }
  /** Whether the entry is in this node's log of `family`. */
  hasEntry(family: Family, entry: string) {
    return this.call({ op: "hasEntry", family, entry }) as Promise<boolean>;
  }
}

/**
 * A hostile peer in its own process (forger.ts): libp2p + Helia + OrbitDB with the Stoa
 * databases' addresses, which builds OrbitDB entries by hand and publishes them on a database's
 * gossip topic or pushes them through the heads exchange, never through its own log.
 */
export class Forger extends ChildNode<ForgerCommand> {
  /** OrbitDB identity of the forger (what its entries are signed with). */
  identity = { hash: "", publicKey: "" };

  static async spawn(name: string, dir: string, env: Record<string, string> = {}): Promise<Forger> {
    const forger = new Forger(name, dir);
    await forger.fork(FORGER, env);
    const started = (await forger.call({ op: "start" })) as {
      peerId: string;
      addresses: string[];
      identity: { hash: string; publicKey: string };
    };
    forger.peerId = started.peerId;
    forger.addresses = started.addresses;
    forger.identity = started.identity;
    return forger;
  }

  dial(other: { addresses: string[] }): Promise<unknown> {
    return this.call({ op: "dial", address: other.addresses[0]! });
  }
  hangUp(other: { peerId: string }): Promise<unknown> {
    return this.call({ op: "hangUp", peerId: other.peerId });
  }
  /** Waits until each peer is seen subscribed to `family`'s topic (the forger itself never subscribes). */
  waitForSubscribers(family: Family, peers: { peerId: string }[], timeoutMs = 15_000) {
    return this.call({ op: "waitForSubscribers", family, peers: peers.map((p) => p.peerId), timeoutMs });
  }
  /** The OrbitDB identity that signed `entry` (fetched over bitswap from whoever holds it). */
  identityOf(entry: string) {
    return this.call({ op: "identityOf", entry }) as Promise<{ hash: string; publicKey: string }>;
  }
  /** Builds one entry of each kind and publishes it on `family`'s topic. */
  forge(family: Family, kinds: ForgeryKind[], context: ForgeContext = {}) {
    return this.call({ op: "forge", family, kinds, context }) as Promise<ForgedEntry[]>;
  }
  /**
   * Builds the entries of a flood beforehand (kinds in turn, `ratePerSec` x `durationMs`), so that
   * the forger's signing does not compete with the honest nodes for CPU during the flood.
   */
  prepareFlood(options: FloodOptions) {
    return this.call({ op: "prepareFlood", ...options }) as Promise<PreparedFlood>;
  }
  /** Publishes the prepared entries at their rate; resolves when the last is sent. */
  flood() {
    return this.call({ op: "flood" }) as Promise<FloodReport>;
  }
  /**
   * Pushes one entry of each kind to each of `peers` through OrbitDB's heads exchange protocol
   * (`/orbitdb/heads/<address>`), which the gossip validator never sees.
   */
  pushHeads(family: Family, kinds: ForgeryKind[], peers: { peerId: string }[], context: ForgeContext = {}) {
    return this.call({
      op: "pushHeads",
      family,
      kinds,
      peers: peers.map((p) => p.peerId),
      context,
    }) as Promise<HeadsPushReport>;
  }
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** A temporary directory per test run, removed by `cleanup`. */
export function tempRoot(prefix = "stoa-"): { dir: (name: string) => string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return { dir: (name) => join(root, name), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** The `q` quantile (0..1) of `values` (nearest rank), or NaN for none. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
