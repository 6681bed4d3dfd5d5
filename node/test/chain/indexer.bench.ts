/**
 * Chain indexer figures on the dev chain (prints them; never fails):
 *   - catch-up: a follower in rpc mode indexes a chain of ORDERS order blocks and EMPTY empty
 *     blocks from scratch (blocks/s, events/s);
 *   - latency: time from a transaction's block (automined when eth_sendTransaction answers) to its
 *     event reaching a subscriber, at the dev poll interval (250 ms) and at 50 ms; transactions
 *     arrive at random points of the poll cycle.
 *
 *   node node/test/chain/indexer.bench.ts            (ORDERS=300 EMPTY=20000 by default)
 */
import { id, parseEther, ZeroAddress } from "ethers";
import type { IndexerOptions } from "../../src/chain/indexer.ts";
import { ChainService } from "../../src/chain/service.ts";
import { chainConfig, logger, removeTempRepos, startDev, tempRepo, Wallet } from "./helpers.ts";

const ORDERS = Number(process.env.ORDERS ?? 300);
const EMPTY = Number(process.env.EMPTY ?? 20_000);
const LATENCY_SAMPLES = 20;

const host = await startDev();
const wallet = new Wallet(host.rpcUrl, host.manifest);
const marketplace = wallet.contract("marketplace", await wallet.account(1));
const request = {
  seller: await (await wallet.account(2)).getAddress(),
  arbiter: await (await wallet.account(7)).getAddress(),
  token: ZeroAddress,
  amount: parseEther("0.01"),
  listingHash: id("bench"),
  deliveryDeadline: (await wallet.latestTimestamp()) + 7 * 24 * 3600,
};
const createOrder = async () => (await (await marketplace.createOrder(request, { value: request.amount })).wait())!;

function follow(repo: string, indexer: IndexerOptions): Promise<ChainService> {
  const config = chainConfig({
    "chain.mode": "rpc",
    "chain.rpcUrl": host.rpcUrl,
    "chain.deployment": host.manifestPath,
  });
  return ChainService.start({ config, repo, logger, indexer });
}

// ---------------------------------------------------------------- catch-up
for (let i = 0; i < ORDERS; i++) await createOrder();
await wallet.provider.send("hardhat_mine", [`0x${EMPTY.toString(16)}`]);
for (let i = 0; i < 70; i++) await createOrder(); // a busy head: inside the reorg window every header is read
const head = (await host.head()).number;

const started = performance.now();
const follower = await follow(tempRepo(), { pollIntervalMs: 250 });
await follower.indexer.waitFor(head, 600_000);
const seconds = (performance.now() - started) / 1000;
const { blocks, logs, ranges } = follower.indexer.stats;
console.log(
  `catch-up: ${blocks} blocks (${logs} events, ${ranges} eth_getLogs ranges) in ${seconds.toFixed(2)} s: ` +
    `${Math.round(blocks / seconds)} blocks/s, ${Math.round(logs / seconds)} events/s`,
);
await follower.stop();

// ---------------------------------------------------------------- latency
for (const pollIntervalMs of [250, 50]) {
  const chain = await follow(tempRepo(), { pollIntervalMs });
  await chain.indexer.waitFor((await chain.head()).number, 600_000);
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const seen = new Promise<number>((resolve) => {
      const unsubscribe = chain.indexer.subscribe(() => {
        unsubscribe();
        resolve(performance.now());
      });
    });
    await new Promise((resolve) => setTimeout(resolve, Math.random() * pollIntervalMs));
    // Automine: the block exists once eth_sendTransaction answers.
    await marketplace.createOrder(request, { value: request.amount });
    const minedAt = performance.now();
    samples.push(Math.max(0, (await seen) - minedAt));
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((sum, v) => sum + v, 0) / samples.length;
  console.log(
    `latency at ${pollIntervalMs} ms polls: mean ${mean.toFixed(0)} ms, median ${samples[samples.length >> 1]!.toFixed(0)} ms, ` +
      `max ${samples.at(-1)!.toFixed(0)} ms (block to subscriber, ${LATENCY_SAMPLES} transactions)`,
  );
  await chain.stop();
}

wallet.destroy();
await host.stop();
removeTempRepos();
