/**
 * What the SDK tests share: one real dev chain (the node's ChainService in dev mode, StoaDev
 * deployed, on a free 127.0.0.1 port) and one real node with its HTTP API listening on
 * 127.0.0.1, started on first use and stopped after the run; the Hardhat dev accounts as viem
 * accounts; and a client factory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tcp } from "@libp2p/tcp";
import { loopbackOnlyGater, StoaNode } from "@stoa/core";
import { nodeStorage } from "@stoa/core/node";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { http } from "viem";
import { generatePrivateKey, mnemonicToAccount, privateKeyToAccount, type HDAccount } from "viem/accounts";
import { ChainService, createApi, loadConfig, type DaemonContext } from "@stoa/node";
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
  api: FastifyInstance;
}

let started: Promise<TestNode> | undefined;
const dirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function start(): Promise<TestNode> {
  const config = loadConfig({
    env: {},
    flags: {
      network: NETWORK,
      "p2p.loopbackOnly": true,
      "chain.mode": "dev",
      "chain.devPort": 0,
      "api.rateLimitPerIp": 100_000,
      "api.rateLimitPerSession": 100_000,
    },
  });
  const chain = await ChainService.start({
    config,
    repo: tempDir("stoa-sdk-chain-"),
    logger,
    indexer: { pollIntervalMs: 25 },
  });
  const repo = tempDir("stoa-sdk-node-");
  const node = new StoaNode({
    network: config.network,
    ...nodeStorage(join(repo, "node")),
    transports: [tcp()],
    listen: ["/ip4/127.0.0.1/tcp/0"],
    connectionGater: loopbackOnlyGater,
    content: { maxBytes: config.content.maxBytes, fetchTimeoutMs: 2_000 },
  });
  await node.start();
  const ctx: DaemonContext = {
    config,
    repo,
    node,
    chain,
    logger,
    adminToken: "sdk-test-admin-token-0123456789abcdef",
    publicUrl: "http://127.0.0.1:0",
    startedAt: Date.now(),
  };
  const api = await createApi(ctx);
  await api.listen({ host: "127.0.0.1", port: 0 });
  const address = api.server.address();
  if (!address || typeof address === "string") throw new Error("the API is not listening on a port");
  // SIWE domain and URI are checked against the public URL: the one the API really listens on.
  ctx.publicUrl = `http://127.0.0.1:${address.port}`;
  return { url: ctx.publicUrl, rpcUrl: chain.rpcUrl, chain, node, api };
}

/** The node, its API and the dev chain, shared by every test file. */
export function testNode(): Promise<TestNode> {
  started ??= start();
  return started;
}

// A root hook: registered once, when the first test file imports this module.
after(async function () {
  this.timeout(60_000);
  const running = await started?.catch(() => undefined);
  started = undefined;
  if (running) {
    await running.api.close();
    await running.node.stop();
    await running.chain.stop();
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A client of the test node, on its dev chain, with the manifest the chain service wrote. */
export async function testClient(config: Partial<StoaClientConfig> = {}): Promise<StoaClient> {
  const { url, rpcUrl, chain } = await testNode();
  return createStoaClient({ node: url, provider: http(rpcUrl), deployment: chain.manifest, ...config });
}
