/**
 * What the SDK tests share: one real daemon, as `stoa daemon` runs it (a temp repo, the dev chain
 * with StoaDev deployed, the node and its HTTP API, all on free 127.0.0.1 ports), started on first
 * use and stopped after the run; the Hardhat dev accounts as viem accounts; and a client factory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StoaNode } from "@stoa/core";
import { pino } from "pino";
import { http } from "viem";
import { generatePrivateKey, mnemonicToAccount, privateKeyToAccount, type HDAccount } from "viem/accounts";
import { initRepo, openRepo, startDaemon, type ChainService, type RunningDaemon } from "@stoa/node";
import { createStoaClient, type StoaClient, type StoaClientConfig } from "../src/index.ts";

export const NETWORK = "stoa-sdk-test";
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const logger = pino({ level: process.env.STOA_TEST_LOG ?? "silent" });

/** Hardhat dev account `index` (funded with ETH, and with 100,000 STOA for 0-9). */
export function devAccount(index: number): HDAccount {
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });
}

/** A fresh account with no ETH or STOA. */
export function freshAccount() {
  return privateKeyToAccount(generatePrivateKey());
}

export interface TestNode {
  /** The API's base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  rpcUrl: string;
  chain: ChainService;
  node: StoaNode;
  daemon: RunningDaemon;
}

let started: Promise<TestNode> | undefined;
const dirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A daemon on a temp repo, loopback only, on a dev chain of its own or following `chain` (rpc mode). */
async function launch(prefix: string, chain: "own" | ChainService, peers: string[] = []): Promise<TestNode> {
  const repo = tempDir(prefix);
  await initRepo(repo);
  const config = openRepo(repo, {
    env: {},
    flags: {
      network: NETWORK,
      "p2p.listen": ["/ip4/127.0.0.1/tcp/0"],
      "p2p.loopbackOnly": true,
      "p2p.peers": peers,
      ...(chain === "own"
        ? { "chain.mode": "dev", "chain.devPort": 0 }
        : { "chain.mode": "rpc", "chain.rpcUrl": chain.rpcUrl, "chain.deployment": chain.manifestPath }),
      "api.host": "127.0.0.1",
      "api.port": 0,
      "api.rateLimitPerIp": 100_000,
      "api.rateLimitPerSession": 100_000,
    },
  });
  const daemon = await startDaemon({ repo, config, logger });
  const { chain: service, node } = daemon.ctx;
  return { url: daemon.url, rpcUrl: service.rpcUrl, chain: service, node, daemon };
}

/**
 * Another daemon of the test network, stopped after the run: on the test node's chain in rpc mode
 * (`chain: "shared"`) or on a dev chain of its own (`chain: "own"`, a node that does not follow the
 * DAO's chain), or in rpc mode on `chain`; dialing `peers`.
 */
export async function startPeer({
  chain,
  peers,
}: {
  chain: "shared" | "own" | ChainService;
  peers: string[];
}): Promise<TestNode & { stop(): Promise<void> }> {
  const peer = await launch("stoa-sdk-peer-", chain === "shared" ? (await testNode()).chain : chain, peers);
  const { daemon } = peer;
  peersStarted.push(daemon);
  return {
    ...peer,
    async stop() {
      const at = peersStarted.indexOf(daemon);
      if (at >= 0) peersStarted.splice(at, 1);
      await daemon.stop();
    },
  };
}
const peersStarted: RunningDaemon[] = [];

/** The node, its API and the dev chain, shared by every test file. */
export function testNode(): Promise<TestNode> {
  started ??= launch("stoa-sdk-", "own");
  return started;
}

// A root hook: registered once, when the first test file imports this module.
after(async function () {
  this.timeout(60_000);
  for (const peer of peersStarted.splice(0).reverse()) await peer.stop();
  const running = await started?.catch(() => undefined);
  started = undefined;
  await running?.daemon.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A client of the test node, on its dev chain, with the manifest the chain service wrote. */
export async function testClient(config: Partial<StoaClientConfig> = {}): Promise<StoaClient> {
  const { url, rpcUrl, chain } = await testNode();
  return createStoaClient({ node: url, provider: http(rpcUrl), deployment: chain.manifest, ...config });
}

/**
 * Retries `read` until `ok` holds of its answer (the node's indexes follow the chain and the
 * network within a second or so); fails naming `what` after `timeoutMs`.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    let last: unknown;
    const value = await read().catch((error: unknown) => void (last = error));
    if (value !== undefined && ok(value)) return value;
    if (Date.now() > until) {
      const seen =
        last instanceof Error
          ? last.message
          : JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
      throw new Error(`timed out waiting for ${what}; last seen: ${String(seen).slice(0, 2_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
