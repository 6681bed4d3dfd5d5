import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { expect } from "chai";
import { id, parseEther, ZeroAddress } from "ethers";
import { ChainConfigError, ChainMismatchError, ChainUnreachableError } from "../../src/chain/errors.ts";
import { ChainService } from "../../src/chain/service.ts";
import { chainConfig, eventually, logger, mined, removeTempRepos, startDev, tempRepo, Wallet } from "./helpers.ts";

function follow(host: ChainService, repo: string, deployment = host.manifestPath): Promise<ChainService> {
  return ChainService.start({
    config: chainConfig({ "chain.mode": "rpc", "chain.rpcUrl": host.rpcUrl, "chain.deployment": deployment }),
    repo,
    logger,
    indexer: { pollIntervalMs: 25 },
  });
}

async function refusal(start: Promise<ChainService>): Promise<Error> {
  return start.then(
    async (chain) => {
      await chain.stop();
      return expect.fail("the chain service started");
    },
    (error: Error) => error,
  );
}

/** Creates an ETH order from dev account 1 to 2 (one block, one followed log). */
async function createOrder(wallet: Wallet, listing: string) {
  const request = {
    seller: await (await wallet.account(2)).getAddress(),
    arbiter: await (await wallet.account(7)).getAddress(),
    token: ZeroAddress,
    amount: parseEther("1"),
    listingHash: id(listing),
    deliveryDeadline: (await wallet.latestTimestamp()) + 7200,
  };
  const marketplace = wallet.contract("marketplace", await wallet.account(1));
  return mined(marketplace.createOrder(request, { value: request.amount }));
}

describe("chain service restarts and rpc mode", function () {
  let host: ChainService;
  let wallet: Wallet;

  before(async function () {
    host = await startDev();
    wallet = new Wallet(host.rpcUrl, host.manifest);
  });
  after(async function () {
    wallet?.destroy();
    await host?.stop();
    removeTempRepos();
  });

  it("follows a chain by URL and manifest, and resumes from its last block after a restart", async function () {
    const repo = tempRepo();
    const first = await follow(host, repo);
    expect(first).to.include({ mode: "rpc", chainId: 31337, rpcUrl: host.rpcUrl, manifestPath: host.manifestPath });
    expect(first.manifest).to.deep.equal(host.manifest);
    const head1 = (await first.head()).number;
    await first.indexer.waitFor(head1);
    expect(first.indexer.stats).to.deep.include({ firstBlock: 0, blocks: head1 + 1, logs: 6, resets: 0 });
    await first.stop();

    const order = await createOrder(wallet, "while-stopped");
    await wallet.provider.send("hardhat_mine", ["0xa"]);
    const head2 = (await wallet.provider.getBlock("latest"))!.number;
    expect(head2).to.equal(head1 + 11);

    const second = await follow(host, repo);
    try {
      await second.indexer.waitFor(head2);
      // Only the new blocks were read: the first run's blocks and logs are not indexed again.
      expect(second.indexer.stats).to.deep.include({
        firstBlock: head1 + 1,
        blocks: 11,
        logs: 1,
        rollbacks: 0,
        resets: 0,
      });
      expect(await second.indexer.arbiters()).to.have.length(3);
      const [indexed] = await second.indexer.orders({ listingHash: id("while-stopped") });
      expect(indexed!.created).to.include({ block: order.block, txHash: order.txHash });
      expect(second.indexer.status).to.deep.equal({ block: head2, head: head2, synced: true, lag: 0 });
    } finally {
      await second.stop();
    }
  });

  it("starts over when the dev chain it indexed is gone (a restarted dev daemon)", async function () {
    const repo = tempRepo();
    const first = await startDev(repo);
    const firstWallet = new Wallet(first.rpcUrl, first.manifest);
    const order = await createOrder(firstWallet, "on-the-old-chain");
    await first.indexer.waitFor(order.block);
    expect(await first.indexer.orders()).to.have.length(1);
    firstWallet.destroy();
    await first.stop();

    const second = await startDev(repo);
    try {
      expect(second.manifest.contracts.marketplace!.address).to.equal(first.manifest.contracts.marketplace!.address);
      // A dev chain started in another second has another genesis block: the index starts over
      // when it opens. One started in the same second has the same genesis and the same
      // deployment blocks: the old order's block is then a reorg, rolled back to the last common
      // block. Either way the old chain's order is gone; wait for that (the old cursor may be past
      // the new head, so waitFor() alone could return before the indexer looked).
      await eventually(async () => {
        const { resets, rollbacks } = second.indexer.stats;
        return resets + rollbacks >= 1 && (await second.indexer.orders()).length === 0 ? true : undefined;
      }, 30_000);
      await second.indexer.waitFor((await second.head()).number);
      expect(await second.indexer.orders()).to.deep.equal([]);
      expect(await second.indexer.arbiters()).to.have.length(3);
    } finally {
      await second.stop();
    }
  });

  it("starts over when the chain it follows is replaced while it runs (a dev chain restarted on its port)", async function () {
    const oldChain = await startDev();
    const port = Number(new URL(oldChain.rpcUrl).port);
    const follower = await follow(oldChain, tempRepo());
    const resets: boolean[] = [];
    follower.indexer.onRollback((rollback) => void resets.push(rollback.reset));
    let newChain: ChainService | undefined;
    try {
      const oldWallet = new Wallet(oldChain.rpcUrl, oldChain.manifest);
      const order = await createOrder(oldWallet, "on-the-replaced-chain");
      oldWallet.destroy();
      await follower.indexer.waitFor(order.block);
      expect(await follower.indexer.orders()).to.have.length(1);

      await oldChain.stop();
      newChain = await ChainService.start({ config: chainConfig({ "chain.devPort": port }), repo: tempRepo(), logger });
      const head = (await newChain.head()).number;
      // Another genesis block: a reset; the same one (both chains started in the same second): a
      // rollback to the last common block. Either way the replaced chain's order goes.
      await eventually(async () => {
        const { resets, rollbacks } = follower.indexer.stats;
        return resets + rollbacks >= 1 && (await follower.indexer.orders()).length === 0 ? true : undefined;
      }, 30_000);
      await follower.indexer.waitFor(head);
      expect(resets.length).to.be.at.least(1);
      expect(await follower.indexer.orders()).to.deep.equal([]);
      expect(await follower.indexer.arbiters()).to.have.length(3);
      expect(follower.indexer.status).to.deep.include({ block: head, synced: true });
    } finally {
      await follower.stop();
      await oldChain.stop();
      await newChain?.stop();
    }
  });

  it("refuses a manifest of another chain", async function () {
    const path = join(tempRepo(), "1.json");
    writeFileSync(path, JSON.stringify({ ...host.manifest, chainId: 1 }));
    const error = await refusal(follow(host, tempRepo(), path));
    expect(error).to.be.instanceOf(ChainMismatchError);
    expect(error.message).to.contain("is for chain 1").and.contain("is chain 31337").and.contain("chain.deployment");
  });

  it("refuses a manifest whose contracts are not on the chain", async function () {
    const path = join(tempRepo(), "31337.json");
    const contracts = {
      ...host.manifest.contracts,
      marketplace: { ...host.manifest.contracts.marketplace!, address: id("nothing").slice(0, 42) },
    };
    writeFileSync(path, JSON.stringify({ ...host.manifest, contracts }));
    const error = await refusal(follow(host, tempRepo(), path));
    expect(error).to.be.instanceOf(ChainMismatchError);
    expect(error.message).to.contain("has no contract at");
  });

  it("refuses rpc mode without a URL, or with a URL nobody answers", async function () {
    const noUrl = await refusal(
      ChainService.start({ config: chainConfig({ "chain.mode": "rpc" }), repo: tempRepo(), logger }),
    );
    expect(noUrl).to.be.instanceOf(ChainConfigError);
    expect(noUrl.message).to.contain("STOA_CHAIN_RPC_URL");

    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const config = chainConfig({
      "chain.mode": "rpc",
      "chain.rpcUrl": `http://127.0.0.1:${port}`,
      "chain.deployment": host.manifestPath,
    });
    const unreachable = await refusal(ChainService.start({ config, repo: tempRepo(), logger }));
    expect(unreachable).to.be.instanceOf(ChainUnreachableError);
    expect(unreachable.message).to.contain(`http://127.0.0.1:${port}`);
  });
});
