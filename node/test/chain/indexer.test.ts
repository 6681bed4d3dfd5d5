import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { id, JsonRpcSigner, keccak256, parseEther, toUtf8Bytes, ZeroAddress } from "ethers";
import type { ChainEvent } from "../../src/chain/events.ts";
import type { DenyListChange, Rollback } from "../../src/chain/indexer.ts";
import type { OrderView } from "../../src/chain/queries.ts";
import type { ChainService } from "../../src/chain/service.ts";
import { eventually, mined, removeTempRepos, startDev, Wallet } from "./helpers.ts";

const HOUR = 3600;
/** The order as Marketplace calls take it (OrderCreated's `order`, which the index keeps). */
const orderStruct = (o: OrderView) => ({
  buyer: o.buyer,
  seller: o.seller,
  arbiter: o.arbiter,
  token: o.token,
  amount: o.amount,
  listingHash: o.listingHash,
  deliveryDeadline: o.deliveryDeadline,
  protocolFeeBps: o.protocolFeeBps,
  arbiterFeeBps: o.arbiterFeeBps,
  rulingPeriod: o.rulingPeriod,
});

describe("chain indexer (dev chain, real transactions)", function () {
  let chain: ChainService;
  let wallet: Wallet;
  const seen: ChainEvent[] = [];
  const denyChanges: DenyListChange[] = [];
  const rollbacks: Rollback[] = [];

  before(async function () {
    chain = await startDev();
    wallet = new Wallet(chain.rpcUrl, chain.manifest);
    chain.indexer.subscribe((event) => void seen.push(event));
    chain.indexer.onRollback((rollback) => void rollbacks.push(rollback));
    chain.onDenyListChange((change) => void denyChanges.push(change));
  });
  after(async function () {
    wallet?.destroy();
    await chain?.stop();
    removeTempRepos();
  });

  /** Creates an ETH order from dev account 1 to 2, judged by 7; returns its id and where it was mined. */
  async function createOrder(amount: bigint, listing: string) {
    const buyer = await wallet.account(1);
    const deadline = (await wallet.latestTimestamp()) + 2 * HOUR;
    const request = {
      seller: await (await wallet.account(2)).getAddress(),
      arbiter: await (await wallet.account(7)).getAddress(),
      token: ZeroAddress,
      amount,
      listingHash: keccak256(toUtf8Bytes(listing)),
      deliveryDeadline: deadline,
    };
    const created = await mined(wallet.contract("marketplace", buyer).createOrder(request, { value: amount }));
    await chain.indexer.waitFor(created.block);
    const orderId = (await chain.indexer.orders({ listingHash: request.listingHash }))[0]!.orderId;
    return { orderId, request, created };
  }

  describe("marketplace orders", function () {
    it("indexes an ETH order and its release with exact fields and timeline", async function () {
      const buyer = await (await wallet.account(1)).getAddress();
      const { orderId, request, created } = await createOrder(parseEther("1"), "listing-1");
      const funded = (await chain.indexer.order(orderId))!;
      expect(funded).to.deep.include({
        orderId,
        buyer,
        seller: request.seller,
        arbiter: request.arbiter,
        token: ZeroAddress,
        amount: "1000000000000000000",
        listingHash: request.listingHash,
        deliveryDeadline: request.deliveryDeadline,
        protocolFeeBps: 100,
        arbiterFeeBps: 300,
        rulingPeriod: 24 * HOUR,
        status: "funded",
      });
      expect(funded.created).to.include({ block: created.block, txHash: created.txHash });

      const released = await mined(
        wallet.contract("marketplace", await wallet.account(1)).release(orderId, orderStruct(funded)),
      );
      await chain.indexer.waitFor(released.block);
      const settled = (await chain.indexer.order(orderId))!;
      expect(settled.status).to.equal("settled");
      expect(settled.outcome).to.equal("released");
      expect(settled.split).to.deep.equal({
        payer: "0",
        payee: "990000000000000000",
        arbiterFee: "0",
        protocolFee: "10000000000000000",
      });
      expect(settled.settled).to.include({ block: released.block, txHash: released.txHash });
      expect(settled.timeline.map((e) => [e.kind, e.block, e.txHash])).to.deep.equal([
        ["OrderCreated", created.block, created.txHash],
        ["OrderSettled", released.block, released.txHash],
      ]);

      const pushed = seen.filter((e) => e.kind.startsWith("Order") && "orderId" in e && e.orderId === orderId);
      expect(pushed.map((e) => e.kind)).to.deep.equal(["OrderCreated", "OrderSettled"]);
      const receipt = (await wallet.provider.getTransactionReceipt(created.txHash))!;
      const log = receipt.logs.find((l) => l.address === chain.manifest.contracts.marketplace!.address)!;
      expect(pushed[0]).to.include({
        block: created.block,
        txHash: created.txHash,
        logIndex: log.index,
        contract: "marketplace",
      });

      expect((await chain.indexer.orders({ buyer: buyer.toLowerCase() })).map((o) => o.orderId)).to.include(orderId);
      expect(
        (await chain.indexer.orders({ party: request.seller, status: "settled" })).map((o) => o.orderId),
      ).to.include(orderId);
      expect(await chain.indexer.orders({ buyer, status: "funded" })).to.deep.equal([]);
    });

    it("indexes a dispute and the arbiter's ruling with its split", async function () {
      const { orderId } = await createOrder(parseEther("1"), "listing-2");
      const order = (await chain.indexer.order(orderId))!;
      await mined(wallet.contract("marketplace", await wallet.account(1)).dispute(orderId, orderStruct(order)));
      const ruled = await mined(
        wallet.contract("marketplace", await wallet.account(7)).rule(orderId, orderStruct(order), 2500),
      );
      await chain.indexer.waitFor(ruled.block);
      const view = (await chain.indexer.order(orderId))!;
      expect(view).to.deep.include({ status: "settled", outcome: "ruled", disputedBy: order.buyer });
      expect(view.split).to.deep.equal({
        payer: "242500000000000000",
        payee: "720225000000000000",
        arbiterFee: "30000000000000000",
        protocolFee: "7275000000000000",
      });
      expect(view.timeline.map((e) => e.kind)).to.deep.equal(["OrderCreated", "OrderDisputed", "OrderSettled"]);
      expect((await chain.indexer.orders({ arbiter: order.arbiter })).map((o) => o.orderId)).to.include(orderId);
    });
  });

  it("indexes a job's milestone from funding to payment", async function () {
    const employer = await wallet.account(3);
    const worker = await wallet.account(4);
    const escrow = (signer: typeof employer) => wallet.contract("jobEscrow", signer);
    const deadline = (await wallet.latestTimestamp()) + 2 * HOUR;
    const jobHash = id("job-1");
    const createdJob = await mined(
      escrow(employer).createJob(
        await worker.getAddress(),
        await (await wallet.account(8)).getAddress(),
        ZeroAddress,
        jobHash,
        [parseEther("2")],
        [deadline],
      ),
    );
    await chain.indexer.waitFor(createdJob.block);
    const [job] = await chain.indexer.jobs({ employer: await employer.getAddress() });
    expect(job).to.deep.include({ worker: await worker.getAddress(), jobHash, token: ZeroAddress, reviewPeriod: HOUR });
    expect(job!.milestones).to.have.length(1);
    expect(job!.milestones[0]).to.deep.include({
      index: 0,
      amount: "2000000000000000000",
      deadline,
      status: "unfunded",
    });

    await mined(escrow(employer).fundMilestone(job!.jobId, 0, { value: parseEther("2") }));
    await mined(escrow(worker).startMilestone(job!.jobId, 0));
    await mined(escrow(worker).submitMilestone(job!.jobId, 0, "bafy-deliverable"));
    const approved = await mined(escrow(employer).approveMilestone(job!.jobId, 0));
    await chain.indexer.waitFor(approved.block);
    const milestone = (await chain.indexer.job(job!.jobId))!.milestones[0]!;
    expect(milestone).to.deep.include({ status: "paid", outcome: "released", deliverableCid: "bafy-deliverable" });
    expect(milestone.split).to.deep.equal({
      payer: "0",
      payee: "1980000000000000000",
      arbiterFee: "0",
      protocolFee: "20000000000000000",
    });
    expect(milestone.timeline.map((e) => e.kind)).to.deep.equal([
      "MilestoneFunded",
      "MilestoneStarted",
      "MilestoneSubmitted",
      "MilestoneSettled",
    ]);
  });

  it("indexes certificate batches, claims and revocations", async function () {
    const issuer = await wallet.account(6);
    const [alice, bob] = [await wallet.account(1), await wallet.account(2)];
    const digests = [id("certificate-alice"), id("certificate-bob")] as const;
    const tree = StandardMerkleTree.of(
      [
        [await alice.getAddress(), digests[0]],
        [await bob.getAddress(), digests[1]],
      ],
      ["address", "bytes32"],
    );
    const certificates = (signer: typeof issuer) => wallet.contract("certificates", signer);
    const anchored = await mined(certificates(issuer).anchor(tree.root, 2, "bafy-batch-manifest"));
    const claimed = await mined(certificates(alice).claim(tree.root, tree.getProof(0), digests[0]));
    const revoked = await mined(
      certificates(issuer).revoke(tree.root, tree.getProof(1), await bob.getAddress(), digests[1], "bafy-reason"),
    );
    await chain.indexer.waitFor(revoked.block);

    const batch = (await chain.indexer.certificateBatch(tree.root))!;
    expect(batch).to.deep.include({
      root: tree.root,
      issuer: await issuer.getAddress(),
      size: 2,
      manifestCid: "bafy-batch-manifest",
    });
    expect(batch.anchored).to.include({ block: anchored.block, txHash: anchored.txHash });
    expect(
      (await chain.indexer.certificateBatches({ issuer: await issuer.getAddress() })).map((b) => b.root),
    ).to.include(tree.root);
    const certificate = (await chain.indexer.certificate(digests[0]))!;
    expect(certificate).to.deep.include({ tokenId: digests[0], root: tree.root, holder: await alice.getAddress() });
    expect(certificate.claimed).to.include({ block: claimed.block, txHash: claimed.txHash });
    expect(certificate.revoked).to.equal(undefined);
    expect(await chain.indexer.certificates({ holder: await alice.getAddress() })).to.deep.equal([certificate]);
    const revocations = await chain.indexer.revocations({ root: tree.root });
    expect(revocations).to.have.length(1);
    expect(revocations[0]).to.deep.include({
      tokenId: digests[1],
      root: tree.root,
      by: await issuer.getAddress(),
      reasonCid: "bafy-reason",
    });
    expect(revocations[0]!.at).to.include({ block: revoked.block, txHash: revoked.txHash });
  });

  it("indexes a DAO proposal, its votes with reasons, queueing and execution, and the deny list it changes", async function () {
    const [proposer, abstainer] = [await wallet.account(1), await wallet.account(2)];
    const denied = await (await wallet.account(5)).getAddress();
    const arbiter9 = await (await wallet.account(9)).getAddress();
    for (const voter of [proposer, abstainer]) {
      await mined(wallet.contract("token", voter).delegate(await voter.getAddress()));
    }
    const registry = wallet.contract("registry", proposer);
    const targets = [chain.manifest.contracts.registry!.address, chain.manifest.contracts.registry!.address];
    const calldatas = [
      registry.interface.encodeFunctionData("deny", [denied, "bafy-deny-reason"]),
      registry.interface.encodeFunctionData("removeArbiter", [arbiter9]),
    ];
    const description = "Deny account 5 and retire arbiter 9";
    const governor = (signer: typeof proposer) => wallet.contract("governor", signer);
    const proposed = await mined(governor(proposer).propose(targets, [0, 0], calldatas, description));
    await chain.indexer.waitFor(proposed.block);
    const [created] = await chain.indexer.proposals({ proposer: await proposer.getAddress() });
    expect(created).to.deep.include({
      proposer: await proposer.getAddress(),
      targets,
      values: ["0", "0"],
      calldatas,
      description,
      status: "created",
    });
    const proposalId = created!.proposalId;
    expect(proposalId).to.equal(
      (await governor(proposer).hashProposal(targets, [0, 0], calldatas, id(description))).toString(),
    );

    await wallet.travel(61);
    await mined(governor(proposer).castVoteWithReason(proposalId, 1, "good for the platform"));
    await mined(governor(abstainer).castVoteWithReason(proposalId, 2, "no opinion"));
    await wallet.travel(HOUR + 1);
    await mined(governor(proposer).queue(targets, [0, 0], calldatas, id(description)));
    await wallet.travel(HOUR + 1);
    const executed = await mined(governor(proposer).execute(targets, [0, 0], calldatas, id(description)));
    await chain.indexer.waitFor(executed.block);

    const proposal = (await chain.indexer.proposal(proposalId))!;
    expect(proposal.status).to.equal("executed");
    expect(proposal.eta).to.be.a("number");
    expect(proposal.events.map((e) => e.kind)).to.deep.equal(["ProposalCreated", "ProposalQueued", "ProposalExecuted"]);
    expect(proposal.tally).to.deep.equal({
      for: "100000000000000000000000",
      against: "0",
      abstain: "100000000000000000000000",
    });
    expect(proposal.votes.map((v) => [v.voter, v.support, v.reason])).to.deep.equal([
      [await proposer.getAddress(), "for", "good for the platform"],
      [await abstainer.getAddress(), "abstain", "no opinion"],
    ]);
    expect(await chain.indexer.votes({ voter: await abstainer.getAddress() })).to.deep.equal([proposal.votes[1]]);

    const denial = (await chain.indexer.deniedAccounts()).find((d) => d.account === denied)!;
    expect(denial).to.deep.include({ reasonCid: "bafy-deny-reason" });
    expect(denial.at).to.include({ block: executed.block, txHash: executed.txHash });
    expect(denial.since).to.equal((await wallet.provider.getBlock(executed.block))!.timestamp);
    expect(await chain.indexer.denial(denied)).to.deep.equal(denial);
    expect((await chain.indexer.arbiters()).map((a) => a.arbiter)).to.not.include(arbiter9);
    expect(denyChanges.at(-1)).to.deep.equal({
      account: denied,
      denied: true,
      reasonCid: "bafy-deny-reason",
      since: denial.since,
      block: executed.block,
    });
  });

  describe("reorgs", function () {
    it("rolls back an orphaned order and indexes the new history (evm_snapshot / evm_revert)", async function () {
      const snapshot = (await wallet.provider.send("evm_snapshot", [])) as string;
      const rollbacksBefore = chain.indexer.stats.rollbacks;
      const orphan = await createOrder(parseEther("1"), "orphaned-listing");
      expect((await chain.indexer.order(orphan.orderId))!.amount).to.equal("1000000000000000000");

      await wallet.provider.send("evm_revert", [snapshot]);
      const replacement = await mined(
        wallet
          .contract("marketplace", await wallet.account(1))
          .createOrder(
            { ...orphan.request, amount: parseEther("3"), listingHash: id("replacement-listing") },
            { value: parseEther("3") },
          ),
      );
      expect(replacement.block).to.equal(orphan.created.block);
      await wallet.provider.send("hardhat_mine", ["0x2"]);

      const order = await eventually(async () => {
        const view = await chain.indexer.order(orphan.orderId);
        return view?.amount === "3000000000000000000" ? view : undefined;
      });
      expect(order.created.txHash).to.equal(replacement.txHash);
      expect(await chain.indexer.orders({ listingHash: orphan.request.listingHash })).to.deep.equal([]);
      expect(await chain.indexer.events({ fromBlock: orphan.created.block })).to.satisfy((events: ChainEvent[]) =>
        events.every((e) => e.txHash !== orphan.created.txHash),
      );
      expect(chain.indexer.stats.rollbacks).to.equal(rollbacksBefore + 1);
      expect(rollbacks.at(-1)).to.deep.equal({ fork: orphan.created.block - 1, orphaned: 1, reset: false });
      await chain.indexer.waitFor(orphan.created.block + 2);
    });

    it("undoes an orphaned denial through the deny-list hook", async function () {
      const timelock = chain.manifest.contracts.timelock!.address;
      await wallet.provider.send("hardhat_impersonateAccount", [timelock]);
      await wallet.provider.send("hardhat_setBalance", [timelock, "0xde0b6b3a7640000"]);
      const account = await (await wallet.account(11)).getAddress();
      const snapshot = (await wallet.provider.send("evm_snapshot", [])) as string;
      const denial = await mined(
        wallet.contract("registry", new JsonRpcSigner(wallet.provider, timelock)).deny(account, "bafy-x"),
      );
      await chain.indexer.waitFor(denial.block);
      expect(denyChanges.at(-1)).to.deep.include({ account, denied: true, block: denial.block });

      await wallet.provider.send("evm_revert", [snapshot]);
      await wallet.provider.send("hardhat_mine", ["0x3"]);
      const undone = await eventually(() => denyChanges.find((c) => c.account === account && !c.denied));
      expect(undone).to.deep.equal({ account, denied: false, block: denial.block - 1 });
      expect(await chain.indexer.denial(account)).to.equal(undefined);
    });
  });

  it("replays the current deny list to a new deny-list handler", async function () {
    const replayed: DenyListChange[] = [];
    const unsubscribe = chain.onDenyListChange((change) => void replayed.push(change));
    const denied = await chain.indexer.deniedAccounts();
    await eventually(() => (replayed.length === denied.length ? true : undefined));
    unsubscribe();
    expect(replayed.map((c) => [c.account, c.denied])).to.deep.equal(denied.map((d) => [d.account, true]));
  });
});
