/**
 * Real `stoa` daemons as child processes, for the multi-daemon test and the API benchmark: `stoa
 * init` a repo, start `stoa daemon --json` on it with settings from STOA_* variables, read the
 * summary it prints once the API listens, then stop it with SIGINT (graceful, exit code 0) or kill
 * it with SIGKILL. Every process is addressed by its own PID; any still running when this process
 * exits is killed then, so that a crashed test leaves none behind.
 *
 * @example
 * ```ts
 * await initRepo(repo);
 * const a = await DaemonProcess.start({ repo, settings: loopbackSettings({ network: "stoa-x" }) });
 * await fetch(`${a.summary.api}/v1/health`);
 * expect(await a.stop()).to.deep.equal({ code: 0, signal: null });
 * ```
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The `stoa` command of this checkout. */
export const STOA_BIN = fileURLToPath(new URL("../../bin/stoa.js", import.meta.url));

/** What `stoa daemon --json` prints once it serves. */
export interface DaemonSummary {
  peerId: string;
  /** libp2p addresses, each ending in /p2p/<peer id>. */
  addresses: string[];
  /** The HTTP API's URL. */
  api: string;
  chain: { chainId: number; rpcUrl: string; mode: "dev" | "rpc" };
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartOptions {
  repo: string;
  /** STOA_* variables (e.g. from `loopbackSettings`); any STOA_* of this process is dropped. */
  settings: Record<string, string>;
  /** Extra arguments of `stoa daemon` (e.g. --rpc-url, --deployment). */
  args?: string[];
  /** How long to wait for the summary (ms). */
  startTimeoutMs?: number;
  /** Extra node flags (e.g. --max-semi-space-size=2). */
  nodeArgs?: string[];
}

/** The last lines of a stream, kept for error messages. */
class Tail {
  readonly #lines: string[] = [];
  readonly #size: number;
  constructor(size: number) {
    this.#size = size;
  }
  push(chunk: string): void {
    for (const line of chunk.split("\n")) if (line.trim()) this.#lines.push(line);
    this.#lines.splice(0, Math.max(0, this.#lines.length - this.#size));
  }
  toString(): string {
    return this.#lines.join("\n");
  }
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  // Last resort after a crash: only the processes this module started, by PID.
  for (const child of running) {
    try {
      if (child.pid !== undefined) process.kill(child.pid, "SIGKILL");
    } catch {
      // exited meanwhile
    }
  }
});

/** The environment of a child: this process's, without STOA_* settings, plus `settings`. */
function childEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith("STOA_")) env[name] = value;
  return { ...env, ...settings };
}

export interface LoopbackSettings {
  network: string;
  /** Multiaddrs to dial at start. */
  peers?: string[];
  /** Requests per minute per IP and per session (the API's rate limits). */
  rateLimit?: number;
  logLevel?: string;
}

/** Settings that keep a daemon on 127.0.0.1 with free ports (API, libp2p, dev chain). */
export function loopbackSettings({
  network,
  peers = [],
  rateLimit,
  logLevel = "warn",
}: LoopbackSettings): Record<string, string> {
  return {
    STOA_NETWORK: network,
    STOA_API_HOST: "127.0.0.1",
    STOA_API_PORT: "0",
    STOA_API_PUBLIC_URL: "",
    STOA_P2P_LISTEN: "/ip4/127.0.0.1/tcp/0",
    STOA_P2P_PEERS: peers.join(","),
    STOA_P2P_LOOPBACK_ONLY: "true",
    STOA_CHAIN_DEV_PORT: "0",
    STOA_LOG_LEVEL: logLevel,
    ...(rateLimit === undefined
      ? {}
      : { STOA_API_RATE_LIMIT_PER_IP: String(rateLimit), STOA_API_RATE_LIMIT_PER_SESSION: String(rateLimit) }),
  };
}

/** Runs `stoa init --repo <repo>`; returns the new node's peer id. */
export async function initRepo(repo: string): Promise<string> {
  const child = spawn(process.execPath, [STOA_BIN, "init", "--repo", repo, "--json"], {
    env: childEnv({}),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`stoa init --repo ${repo} exited with ${code}: ${err}`);
  return (JSON.parse(out) as { peerId: string }).peerId;
}

/** The admin token `stoa init` wrote into the repo. */
export function adminToken(repo: string): string {
  return readFileSync(join(repo, "admin-token"), "utf8").trim();
}

/** Resident set size of process `pid` in bytes (Linux, /proc/<pid>/status VmRSS). */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

export class DaemonProcess {
  readonly repo: string;
  readonly pid: number;
  readonly summary: DaemonSummary;
  /** Resolves when the process has exited, with its code or signal. */
  readonly exited: Promise<ExitStatus>;
  readonly #child: ChildProcess;
  readonly #stderr: Tail;
  #exitStatus: ExitStatus | undefined;

  private constructor(
    repo: string,
    child: ChildProcess,
    summary: DaemonSummary,
    exited: Promise<ExitStatus>,
    stderr: Tail,
  ) {
    this.repo = repo;
    this.#child = child;
    this.pid = child.pid!;
    this.summary = summary;
    this.exited = exited;
    this.#stderr = stderr;
    void exited.then((status) => (this.#exitStatus = status));
  }

  /** Starts `stoa daemon --json` and waits for its summary (the API listens by then). */
  static async start({
    repo,
    settings,
    args = [],
    startTimeoutMs = 90_000,
    nodeArgs = [],
  }: StartOptions): Promise<DaemonProcess> {
    const child = spawn(process.execPath, [...nodeArgs, STOA_BIN, "daemon", "--repo", repo, "--json", ...args], {
      env: childEnv(settings),
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (child.pid === undefined) throw new Error(`could not start stoa daemon --repo ${repo}`);
    running.add(child);
    const stderr = new Tail(400);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => stderr.push(chunk));
    const exited = new Promise<ExitStatus>((resolve) =>
      child.once("exit", (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
      }),
    );
    let stdout = "";
    child.stdout.setEncoding("utf8");
    const summary = await new Promise<DaemonSummary>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`no summary within ${startTimeoutMs} ms`)), startTimeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, "SIGKILL");
        reject(new Error(`stoa daemon --repo ${repo}: ${error.message}\n${stderr.toString()}`));
      };
      child.stdout.on("data", (chunk: string) => {
        stdout += chunk;
        const newline = stdout.indexOf("\n");
        if (newline < 0) return;
        clearTimeout(timer);
        try {
          resolve(JSON.parse(stdout.slice(0, newline)) as DaemonSummary);
        } catch (error) {
          fail(error as Error);
        }
      });
      void exited.then((status) => fail(new Error(`exited before serving (${JSON.stringify(status)})`)));
    });
    return new DaemonProcess(repo, child, summary, exited, stderr);
  }

  get isRunning(): boolean {
    return this.#exitStatus === undefined;
  }

  /** The daemon's recent log lines (stderr). */
  get log(): string {
    return this.#stderr.toString();
  }

  /** The recent log lines of level error or fatal (pino levels 50 and 60). */
  get errors(): string[] {
    return this.log.split("\n").filter((line) => /"level":(50|60)\b/.test(line));
  }

  /** Sends `signal` to this process (by its PID) unless it has exited. */
  signal(signal: NodeJS.Signals): void {
    if (this.isRunning && this.#child.exitCode === null && this.#child.signalCode === null)
      process.kill(this.pid, signal);
  }

  /** SIGKILL, then waits for the exit. */
  async kill(): Promise<ExitStatus> {
    this.signal("SIGKILL");
    return this.exited;
  }

  /**
   * Graceful stop: SIGINT, then waits up to `timeoutMs` for the exit. A daemon still running then
   * is killed (SIGKILL) and the answer says so.
   */
  async stop(timeoutMs = 30_000): Promise<ExitStatus> {
    this.signal("SIGINT");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    const status = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (status !== "timeout") return status;
    await this.kill();
    throw new Error(`stoa daemon (pid ${this.pid}) did not stop within ${timeoutMs} ms of SIGINT; killed\n${this.log}`);
  }
}
