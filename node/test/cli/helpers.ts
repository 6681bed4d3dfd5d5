/**
 * What the CLI tests share: the real `stoa` binary run as a child process (with none of the
 * caller's STOA_* variables), temp repos, free loopback ports, and `stoa daemon` processes that
 * are stopped by PID.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { setSetting } from "../../src/config.ts";
import { initRepo as createRepo } from "../../src/repo.ts";

export const STOA_BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "stoa.js");

export interface StoaResult {
  /** Exit code (null when a signal ended the process). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout as bytes (for `stoa cat`). */
  bytes: Buffer;
}

export interface StoaRunOptions {
  /** Added to the environment, which carries none of the caller's STOA_* variables. */
  env?: Record<string, string>;
}

/** A command that has not ended by then is killed (a safety net, not an assertion on speed). */
const RUN_LIMIT_MS = 90_000;

/** The caller's environment without STOA_* (so that a developer's STOA_REPO cannot leak in). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith("STOA_")) env[name] = value;
  return { ...env, ...extra };
}

function collect(child: ChildProcess): Promise<StoaResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
  const limit = setTimeout(() => child.kill("SIGKILL"), RUN_LIMIT_MS);
  return new Promise((resolve, reject) => {
    child.once("error", (error) => {
      clearTimeout(limit);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(limit);
      const bytes = Buffer.concat(out);
      resolve({ code, stdout: bytes.toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), bytes });
    });
  });
}

/** Runs `stoa <args>` to its end. */
export function stoa(args: string[], options: StoaRunOptions = {}): Promise<StoaResult> {
  const child = spawn(process.execPath, [STOA_BIN, ...args], {
    env: cleanEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collect(child);
}

/** Runs a command line under `script`, so that the command's stdout and stderr are a terminal. */
export function inTerminal(commandLine: string, options: StoaRunOptions = {}): Promise<StoaResult> {
  const child = spawn("script", ["-qec", commandLine, "/dev/null"], {
    env: cleanEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collect(child);
}

export const stoaCommandLine = (args: string[]) => [process.execPath, STOA_BIN, ...args].join(" ");

/** A failure as the CLI should report it: non-zero exit, one clear message, no stack trace. */
export function expectCleanError(result: StoaResult, message: string | RegExp, code?: number): void {
  const context = `exit ${String(result.code)}, stderr:\n${result.stderr}`;
  if (code === undefined) expect(result.code, context).to.be.a("number").and.not.equal(0);
  else expect(result.code, context).to.equal(code);
  if (typeof message === "string") expect(result.stderr, context).to.include(message);
  else expect(result.stderr, context).to.match(message);
  expect(result.stderr, "no stack trace").not.to.match(/^\s+at /m);
  expect(result.stdout, "nothing on stdout").to.equal("");
}

/** The JSON error object a command prints on stderr with --json. */
export function jsonError(result: StoaResult): { code: string; message: string; hint?: string } {
  const parsed = JSON.parse(result.stderr) as { error: { code: string; message: string; hint?: string } };
  expect(parsed.error.message).to.be.a("string");
  return parsed.error;
}

// ---------------------------------------------------------------- temp directories and ports

const dirs: string[] = [];

export function tempDir(prefix = "stoa-cli-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A new repo in a temp directory, made in-process by the function `stoa init` calls (init.test.ts
 * runs the command itself): every spawned `stoa` costs the suite a second of CPU.
 */
export async function initRepo(): Promise<string> {
  const repo = join(tempDir(), "repo");
  await createRepo(repo);
  return repo;
}

/**
 * Settings for a daemon that uses only free loopback ports and logs only warnings, written by the
 * function behind `stoa config set` (config.test.ts runs the command itself).
 */
export function configureForTest(repo: string, apiPort: number): void {
  const settings: [string, string][] = [
    ["api.port", String(apiPort)],
    ["chain.devPort", "0"],
    ["p2p.listen", "/ip4/127.0.0.1/tcp/0,/ip4/127.0.0.1/tcp/0/ws"],
    ["p2p.loopbackOnly", "true"],
    ["log.level", "warn"],
  ];
  for (const [name, value] of settings) setSetting(repo, name, value);
}

// ---------------------------------------------------------------- daemons

export interface StoaDaemon {
  pid: number;
  /** The API URL the daemon printed. */
  api: string;
  /** Its stdout so far (the summary). */
  stdout(): string;
  stderr(): string;
  /** Sends `signal` and resolves with the exit code once the process has ended. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** SIGKILL if it still runs (after hooks, after a failure). */
  kill(): Promise<void>;
}

const API_LINE = /^API and dApp: (\S+)$/m;

const daemons: StoaDaemon[] = [];

/** SIGKILL for every daemon this run started that still runs (after hooks: also after a failure). */
export async function killDaemons(): Promise<void> {
  await Promise.all(daemons.splice(0).map((daemon) => daemon.kill()));
}

/** Starts `stoa daemon` and resolves once it has printed its summary and /v1/ready answers 200. */
export async function startStoaDaemon(args: string[], options: StoaRunOptions = {}): Promise<StoaDaemon> {
  const child = spawn(process.execPath, [STOA_BIN, ...args, "daemon"], {
    env: cleanEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  let running = true;
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      running = false;
      resolve(code);
    }),
  );
  const daemon: StoaDaemon = {
    pid: child.pid!,
    api: "",
    stdout: () => stdout,
    stderr: () => stderr,
    async stop(signal = "SIGINT") {
      if (running) child.kill(signal);
      return exited;
    },
    async kill() {
      if (running) child.kill("SIGKILL");
      await exited;
    },
  };
  daemons.push(daemon);

  // The summary: a text block with the API's URL, or (--json) one JSON line.
  const json = args.includes("--json");
  const summary = () =>
    API_LINE.exec(stdout)?.[1] ??
    (json && stdout.includes("\n") ? (JSON.parse(stdout.split("\n")[0]!) as { api: string }).api : undefined);
  try {
    for (;;) {
      const api = summary();
      if (api) {
        daemon.api = api;
        break;
      }
      if (!running) throw new Error(`stoa daemon exited before starting:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await waitUntilReady(daemon.api, () => running);
  } catch (error) {
    await daemon.kill();
    throw error;
  }
  return daemon;
}

/** Polls /v1/ready (the node is started and the chain indexer synced). */
async function waitUntilReady(api: string, running: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (!running()) throw new Error("stoa daemon exited while starting");
    const ready = await fetch(`${api}/v1/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${api}/v1/ready never answered 200`);
}
