/**
 * What the API tests share: a real StoaNode on a temp directory (TCP on 127.0.0.1, loopback-only
 * gater), one real dev chain (ChainService in dev mode on a free port) for the whole run, the API
 * built on them, wallets (ethers) that sign SIWE messages and records, and small request helpers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prometheusMetrics } from "@libp2p/prometheus-metrics";
import { tcp } from "@libp2p/tcp";
import { loopbackOnlyGater, StoaNode } from "@stoa/core";
import { nodeStorage } from "@stoa/core/node";
import {
  addressOfPrivateKey,
  buildRecord,
  randomPrivateKey,
  signRecord,
  type Hex,
  type ListingV1,
  type SignedRecord,
} from "@stoa/protocol";
import {
  Contract,
  type ContractTransactionResponse,
  JsonRpcProvider,
  keccak256,
  parseEther,
  toUtf8Bytes,
  Wallet as EthersWallet,
  ZeroAddress,
} from "ethers";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { pino } from "pino";
import { Registry } from "prom-client";
import { SiweMessage } from "siwe";
import { createApi, type ApiOptions } from "../../src/api/server.ts";
import { ChainService } from "../../src/chain/service.ts";
import { loadConfig, type SettingName, type StoaConfig } from "../../src/config.ts";
import type { DaemonContext } from "../../src/context.ts";

export const NETWORK = "stoa-test";
export const PUBLIC_URL = "http://127.0.0.1:8080";
export const ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
/** Set STOA_TEST_LOG=debug to see the node's and the API's logs. */
export const logger = pino({ level: process.env.STOA_TEST_LOG ?? "silent" });

// ---------------------------------------------------------------- the shared dev chain

let chain: Promise<ChainService> | undefined;

/** One dev chain for every API test (it takes seconds to deploy); stopped after the run. */
export function sharedChain(): Promise<ChainService> {
  chain ??= ChainService.start({
    config: loadConfig({ env: {}, flags: { "chain.mode": "dev", "chain.devPort": 0 } }),
    repo: tempDir("stoa-api-chain-"),
    logger,
    indexer: { pollIntervalMs: 25 },
  });
  return chain;
}

const dirs: string[] = [];

export function tempDir(prefix = "stoa-api-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

// A root hook: registered once, when the first test file imports this module.
after(async function () {
  this.timeout(60_000);
  const started = chain;
  chain = undefined;
  await (await started?.catch(() => undefined))?.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------- a node with its API

export interface TestApi {
  api: FastifyInstance;
  ctx: DaemonContext;
  node: StoaNode;
  config: StoaConfig;
  stop(): Promise<void>;
}

export interface TestApiOptions extends ApiOptions {
  settings?: Partial<Record<SettingName, unknown>>;
  publicUrl?: string;
}

/** A started node on a temp repo, the shared chain, and the API over them (not listening). */
export async function startApi(options: TestApiOptions = {}): Promise<TestApi> {
  const config = loadConfig({ env: {}, flags: { network: NETWORK, "p2p.loopbackOnly": true, ...options.settings } });
  const repo = tempDir();
  const metrics = new Registry();
  const node = new StoaNode({
    network: config.network,
    ...nodeStorage(join(repo, "node")),
    transports: [tcp()],
    listen: ["/ip4/127.0.0.1/tcp/0"],
    connectionGater: loopbackOnlyGater,
    content: { maxBytes: config.content.maxBytes, fetchTimeoutMs: 2_000 },
    metrics: prometheusMetrics({ registry: metrics, collectDefaultMetrics: false }),
  });
  await node.start();
  const ctx: DaemonContext = {
    config,
    repo,
    node,
    chain: await sharedChain(),
    logger,
    adminToken: ADMIN_TOKEN,
    publicUrl: options.publicUrl ?? PUBLIC_URL,
    startedAt: Date.now(),
    metrics,
  };
  const api = await createApi(ctx, options);
  return {
    api,
    ctx,
    node,
    config,
    async stop() {
      await api.close();
      await node.stop();
    },
  };
}

// ---------------------------------------------------------------- wallets, SIWE and records

export interface TestWallet {
  key: Hex;
  address: Hex;
  signer: EthersWallet;
}

export function wallet(): TestWallet {
  const key = randomPrivateKey();
  return { key, address: addressOfPrivateKey(key), signer: new EthersWallet(key) };
}

export interface SiweFields {
  domain?: string;
  uri?: string;
  chainId?: number;
  nonce: string;
  expirationTime?: string;
  notBefore?: string;
  issuedAt?: string;
}

/** An EIP-4361 message from `who` for this node, with `fields` changed. */
export function siweMessage(who: TestWallet, fields: SiweFields): string {
  const url = new URL(PUBLIC_URL);
  return new SiweMessage({
    domain: url.host,
    address: who.signer.address,
    statement: "Sign in to Stoa",
    uri: `${url.origin}/`,
    version: "1",
    chainId: 31337,
    ...fields,
  }).prepareMessage();
}

export async function nonce(api: FastifyInstance): Promise<string> {
  const response = await api.inject({ method: "POST", url: "/v1/auth/nonce" });
  return response.json<{ nonce: string }>().nonce;
}

/** Signs `who` in; returns the session token. */
export async function signIn(api: FastifyInstance, who: TestWallet): Promise<string> {
  const message = siweMessage(who, { nonce: await nonce(api) });
  const signature = await who.signer.signMessage(message);
  const response = await api.inject({ method: "POST", url: "/v1/auth/verify", payload: { message, signature } });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.body}`);
  return response.json<{ token: string }>().token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function listingBody(i: number, overrides: Partial<ListingV1> = {}): ListingV1 {
  return {
    key: `item-${i}`,
    title: `bicycle number ${i}`,
    description: `A well kept bicycle, item ${i}.`,
    category: ["sports", "home", "music", "books"][i % 4]!,
    price: String(1_000 + i),
    currency: "ETH",
    kind: "physical",
    quantity: 1,
    images: [],
    status: "active",
    ...overrides,
  };
}

export function signedListing(who: TestWallet, i: number, overrides: Partial<ListingV1> = {}): SignedRecord<"listing"> {
  return signRecord(NETWORK, buildRecord("listing", who.address, listingBody(i, overrides)), who.key);
}

/** The error object of a JSON error answer, after checking its shape. */
export function errorOf(response: LightMyRequestResponse): {
  code: string;
  message: string;
  field?: string;
  reason?: string;
} {
  if (!String(response.headers["content-type"]).startsWith("application/json")) {
    throw new Error(`not a JSON answer (${String(response.headers["content-type"])}): ${response.body.slice(0, 200)}`);
  }
  const body = response.json<{ error?: { code: string; message: string; field?: string; reason?: string } }>();
  if (!body.error || typeof body.error.code !== "string" || typeof body.error.message !== "string") {
    throw new Error(`not an error answer: ${response.body.slice(0, 200)}`);
  }
  return body.error;
}

// ---------------------------------------------------------------- chain transactions

/** An ETH order from dev account 1 to dev account 2, judged by dev account 7; mined and indexed. */
export async function createEthOrder(
  chain: ChainService,
  listing: string,
): Promise<{ orderId: number; buyer: string; block: number }> {
  const provider = new JsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: true });
  try {
    const [buyer, seller, arbiter] = await Promise.all([1, 2, 7].map((i) => provider.getSigner(i)));
    const { address, abi } = chain.manifest.contracts.marketplace!;
    const marketplace = new Contract(address, abi as never, buyer);
    const latest = (await provider.getBlock("latest"))!;
    const amount = parseEther("0.01");
    const request = {
      seller: await seller!.getAddress(),
      arbiter: await arbiter!.getAddress(),
      token: ZeroAddress,
      amount,
      listingHash: keccak256(toUtf8Bytes(listing)),
      deliveryDeadline: latest.timestamp + 7200,
    };
    const tx = (await marketplace.createOrder!(request, { value: amount })) as ContractTransactionResponse;
    const receipt = (await tx.wait())!;
    await chain.indexer.waitFor(receipt.blockNumber);
    const [order] = await chain.indexer.orders({ listingHash: request.listingHash });
    return { orderId: order!.orderId, buyer: await buyer!.getAddress(), block: receipt.blockNumber };
  } finally {
    provider.destroy();
  }
}
