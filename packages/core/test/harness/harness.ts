/**
 * Parent side of multi-process tests: spawn Stoa nodes as child processes (peer.ts), each with its
 * own repo directory, and drive them with typed calls. Every process is ended by its PID.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Envelope, Family } from "@stoa/protocol";
import type { RecordQuery, StoredRecord } from "../../src/index/record-index.ts";
import type { Command, Request, Response } from "./peer.ts";

const PEER = new URL("./peer.ts", import.meta.url);

export class RemoteError extends Error {
  override name: string;
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class Peer {
  readonly name: string;
  readonly dir: string;
  peerId = "";
  addresses: string[] = [];
  #child!: ChildProcess;
  #next = 1;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(name: string, dir: string) {
    this.name = name;
    this.dir = dir;
  }

  /** Spawns a node process for `dir` (reused across restarts) and starts the node. */
  static async spawn(name: string, dir: string, env: Record<string, string> = {}): Promise<Peer> {
    const peer = new Peer(name, dir);
    await peer.#fork(env);
    const started = (await peer.call({ op: "start" })) as { peerId: string; addresses: string[] };
    peer.peerId = started.peerId;
    peer.addresses = started.addresses;
    return peer;
  }

  get pid(): number {
    return this.#child.pid!;
  }

  get exited(): boolean {
    return this.#child.exitCode !== null || this.#child.signalCode !== null;
  }

  async #fork(env: Record<string, string>): Promise<void> {
    this.#child = fork(PEER, [], {
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

  call(command: Command): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ id, command } satisfies Request);
    });
  }

  dial(other: Peer): Promise<unknown> {
    return this.call({ op: "dial", address: other.addresses[0]! });
  }
  put(family: Family, envelope: Envelope) {
    return this.call({ op: "put", family, envelope }) as Promise<{ id: string; entry: string; ids: string[] }>;
  }
  putMany(family: Family, envelopes: Envelope[]) {
    return this.call({ op: "putMany", family, envelopes }) as Promise<{ latencies: number[]; ids: string[] }>;
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
  arrivals(ids: string[]) {
    return this.call({ op: "arrivals", ids }) as Promise<(number | null)[]>;
  }
  stats() {
    return this.call({ op: "stats" }) as Promise<{ refusals: Record<string, number>; rssBytes: number; peers: number }>;
  }

  /** Graceful stop (the node's stop order), then the process exits. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.#child.once("exit", resolve));
    await this.call({ op: "stop" }).catch(() => undefined);
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

/** A temporary directory per test run, removed by `cleanup`. */
export function tempRoot(prefix = "stoa-"): { dir: (name: string) => string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return { dir: (name) => join(root, name), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
