/**
 * Reentrancy against JobEscrow. A ReentrantActor plays the employer, the worker or the arbiter and,
 * once armed, re-enters the escrow when it is paid. Two ways in:
 * - ETH: a push forwards only 30,000 gas, which the armed actor's hook exceeds, so the push fails
 *   and becomes a credit; withdrawing the credit forwards all gas, and the re-entry then meets the
 *   reentrancy guard.
 * - HookToken: every transfer calls the actor's `onTokenTransfer` with all the gas left, so the
 *   re-entry runs during the payout itself and meets the guard (or, for an unguarded function, the
 *   milestone's state, already final).
 * Every scenario ends with exact balances: nothing is paid twice, nothing is lost.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { id, ZeroAddress, type BytesLike, type Interface } from "ethers";
import { DAY, DEV_PARAMETERS, deployStoa, devAccounts } from "../../helpers/stoa.ts";
import type { ReentrantActor } from "../../../types/ethers-contracts/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const ETH = ZeroAddress;
const ONE = 10n ** 18n;
const STAKE = 1_000n * ONE;
const REVIEW = DEV_PARAMETERS.minDisputeWindow;
const JOB_HASH = id("stoa:job:attack");
const DELIVERABLE = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
const Status = { Funded: 2n, Started: 3n, Submitted: 4n, Disputed: 5n, Paid: 6n } as const;

// Splits of 1 (ETH or HOOK) at the dev fees: 1% protocol, 3% arbiter.
const RELEASE_PAYEE = 990_000_000_000_000_000n;
const RELEASE_FEE = 10_000_000_000_000_000n;
// Ruled 50%: arbiter 0.03, employer 0.485, worker 0.485 - 0.00485.
const RULED_EMPLOYER = 485_000_000_000_000_000n;
const RULED_WORKER = 480_150_000_000_000_000n;
const RULED_ARBITER = 30_000_000_000_000_000n;
const RULED_FEE = 4_850_000_000_000_000n;

async function deployed() {
  const stoa = await deployStoa(connection);
  const a = await devAccounts(ethers);
  const timelockAddress = await stoa.timelock.getAddress();
  await networkHelpers.impersonateAccount(timelockAddress);
  await networkHelpers.setBalance(timelockAddress, 10n ** 18n);
  const dao = await ethers.getSigner(timelockAddress);
  const escrow = stoa.jobEscrow;
  const escrowAddress = await escrow.getAddress();
  const hook = await ethers.deployContract("HookToken");
  const hookAddress = await hook.getAddress();
  await stoa.registry.connect(dao).setPaymentToken(hookAddress, true);
  const actor = await ethers.deployContract("ReentrantActor");
  const actorAddress = await actor.getAddress();
  await networkHelpers.setBalance(actorAddress, 10n * ONE);
  await hook.mint(a.buyer.address, 10n * ONE);
  await hook.mint(actorAddress, 10n * ONE);
  await hook.connect(a.buyer).approve(escrowAddress, 10n * ONE);
  await actor.execute(hookAddress, 0n, hook.interface.encodeFunctionData("approve", [escrowAddress, 10n * ONE]));
  const guardError = escrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);
  return { stoa, a, dao, escrow, escrowAddress, hook, hookAddress, actor, actorAddress, guardError };
}
type Fixture = Awaited<ReturnType<typeof deployed>>;

/** Calldata of escrow function `name`, through ethers' untyped interface (names vary by scenario). */
function call(f: Fixture, name: string, args: unknown[]): string {
  const escrowInterface: Interface = f.escrow.interface;
  return escrowInterface.encodeFunctionData(name, args);
}

/** The actor calls the escrow. */
async function actorCalls(f: Fixture, name: string, args: unknown[], value = 0n) {
  return f.actor.execute(f.escrowAddress, value, call(f, name, args), { value });
}

async function deadline(): Promise<bigint> {
  return BigInt(await networkHelpers.time.latest()) + 7n * DAY;
}

/** The re-entry was tried and failed with `error`. */
async function expectReentryFailed(actor: ReentrantActor, error: BytesLike) {
  expect(await actor.attempted()).to.equal(true);
  expect(await actor.reentrySucceeded()).to.equal(false);
  expect(await actor.reentryError()).to.equal(error);
}

/** The push ran out of the 30,000 gas: the actor's state rolled back, nothing was tried. */
async function expectPushFailed(actor: ReentrantActor) {
  expect(await actor.attempted()).to.equal(false);
  expect(await actor.received()).to.equal(0n);
}

async function statusOf(f: Fixture, jobId: bigint, index: number) {
  return (await f.escrow.getMilestones(jobId))[index]!.status;
}

async function ethBalance(address: string) {
  return ethers.provider.getBalance(address);
}

describe("JobEscrow attacks: reentrancy", function () {
  describe("the employer re-enters", function () {
    /** The actor employs `worker` in `token` for two milestones of 1, both funded. */
    async function actorEmploys(f: Fixture, token: string) {
      const d = await deadline();
      await actorCalls(f, "createJob", [f.a.worker.address, f.a.arbiter.address, token, JOB_HASH, [ONE, ONE], [d, d]]);
      const jobId = await f.escrow.jobCount();
      const value = token === ETH ? ONE : 0n;
      await actorCalls(f, "fundMilestone", [jobId, 0n], value);
      await actorCalls(f, "fundMilestone", [jobId, 1n], value);
    }

    it("ETH refund on cancel: the push fails into a credit; withdrawing it cannot re-enter cancel", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      await actorEmploys(f, ETH);
      await f.actor.arm(f.escrowAddress, call(f, "cancelMilestone", [1n, 1n]));
      await expect(actorCalls(f, "cancelMilestone", [1n, 0n]))
        .to.emit(f.escrow, "Credited")
        .withArgs(f.actorAddress, ETH, ONE);
      await expectPushFailed(f.actor);
      expect(await f.escrow.credits(f.actorAddress, ETH)).to.equal(ONE);
      expect(await ethBalance(f.escrowAddress)).to.equal(2n * ONE);

      await f.actor.arm(f.escrowAddress, call(f, "cancelMilestone", [1n, 1n]));
      await expect(actorCalls(f, "withdraw", [ETH, f.actorAddress])).to.changeEtherBalances(
        ethers,
        [f.escrow, f.actor],
        [-ONE, ONE],
      );
      await expectReentryFailed(f.actor, f.guardError);
      expect(await f.actor.received()).to.equal(ONE);
      expect(await f.escrow.credits(f.actorAddress, ETH)).to.equal(0n);
      expect(await statusOf(f, 1n, 1)).to.equal(Status.Funded);
      expect(await ethBalance(f.escrowAddress)).to.equal(ONE);
    });

    it("token refund on cancel: the transfer hook cannot re-enter cancel", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      await actorEmploys(f, f.hookAddress);
      await f.hook.setHook(f.actorAddress);
      await f.actor.arm(f.escrowAddress, call(f, "cancelMilestone", [1n, 1n]));
      await expect(actorCalls(f, "cancelMilestone", [1n, 0n])).to.changeTokenBalances(
        ethers,
        f.hook,
        [f.escrow, f.actor],
        [-ONE, ONE],
      );
      await expectReentryFailed(f.actor, f.guardError);
      expect(await statusOf(f, 1n, 1)).to.equal(Status.Funded);
      expect(await f.hook.balanceOf(f.escrowAddress)).to.equal(ONE);
    });

    it("ruling share: ETH is credited, the token hook cannot re-enter cancel; every share is exact", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      for (const token of [ETH, f.hookAddress]) {
        await actorEmploys(f, token);
      }
      // Job 1 in ETH, job 2 in HOOK: the worker starts milestone 0 of each and the actor disputes it.
      for (const jobId of [1n, 2n]) {
        await f.escrow.connect(f.a.worker).startMilestone(jobId, 0);
        await actorCalls(f, "disputeMilestone", [jobId, 0n]);
      }
      await f.actor.arm(f.escrowAddress, call(f, "cancelMilestone", [1n, 1n]));
      const ethRuling = f.escrow.connect(f.a.arbiter).ruleMilestone(1n, 0, 5_000n);
      await expect(ethRuling).to.emit(f.escrow, "Credited").withArgs(f.actorAddress, ETH, RULED_EMPLOYER);
      await expect(ethRuling).to.changeEtherBalances(
        ethers,
        [f.escrow, f.a.worker, f.a.arbiter, f.actor],
        [-(RULED_WORKER + RULED_ARBITER), RULED_WORKER, RULED_ARBITER, 0n],
      );
      await expectPushFailed(f.actor);
      expect(await f.escrow.credits(f.actorAddress, ETH)).to.equal(RULED_EMPLOYER);

      await f.hook.setHook(f.actorAddress);
      await f.actor.arm(f.escrowAddress, call(f, "cancelMilestone", [2n, 1n]));
      await expect(f.escrow.connect(f.a.arbiter).ruleMilestone(2n, 0, 5_000n)).to.changeTokenBalances(
        ethers,
        f.hook,
        [f.escrow, f.a.worker, f.a.arbiter, f.actor],
        [-(RULED_WORKER + RULED_ARBITER + RULED_EMPLOYER), RULED_WORKER, RULED_ARBITER, RULED_EMPLOYER],
      );
      await expectReentryFailed(f.actor, f.guardError);
      expect(await statusOf(f, 2n, 1)).to.equal(Status.Funded);
      // Left in escrow: the untouched milestone, the fee, and (ETH) the employer's credit.
      expect(await ethBalance(f.escrowAddress)).to.equal(ONE + RULED_FEE + RULED_EMPLOYER);
      expect(await f.hook.balanceOf(f.escrowAddress)).to.equal(ONE + RULED_FEE);
      expect(await f.escrow.accruedFees(ETH)).to.equal(RULED_FEE);
      expect(await f.escrow.accruedFees(f.hookAddress)).to.equal(RULED_FEE);
    });
  });

  describe("the worker re-enters", function () {
    /** The buyer employs the actor in `token` for two milestones of 1, both funded and submitted. */
    async function actorWorks(f: Fixture, token: string) {
      const d = await deadline();
      await f.escrow
        .connect(f.a.buyer)
        .createJob(f.actorAddress, f.a.arbiter.address, token, JOB_HASH, [ONE, ONE], [d, d]);
      const jobId = await f.escrow.jobCount();
      for (const index of [0n, 1n]) {
        await f.escrow.connect(f.a.buyer).fundMilestone(jobId, index, { value: token === ETH ? ONE : 0n });
        await actorCalls(f, "startMilestone", [jobId, index]);
        await actorCalls(f, "submitMilestone", [jobId, index, DELIVERABLE]);
      }
      return jobId;
    }

    it("ETH approval: the push fails into a credit; withdrawing it cannot re-enter claim", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const jobId = await actorWorks(f, ETH);
      await networkHelpers.time.increase(REVIEW);
      await f.actor.arm(f.escrowAddress, call(f, "claimMilestone", [jobId, 1n]));
      await expect(f.escrow.connect(f.a.buyer).approveMilestone(jobId, 0))
        .to.emit(f.escrow, "Credited")
        .withArgs(f.actorAddress, ETH, RELEASE_PAYEE);
      await expectPushFailed(f.actor);

      await f.actor.arm(f.escrowAddress, call(f, "claimMilestone", [jobId, 1n]));
      await expect(actorCalls(f, "withdraw", [ETH, f.actorAddress])).to.changeEtherBalances(
        ethers,
        [f.escrow, f.actor],
        [-RELEASE_PAYEE, RELEASE_PAYEE],
      );
      await expectReentryFailed(f.actor, f.guardError);
      expect(await statusOf(f, jobId, 1)).to.equal(Status.Submitted);
      expect(await ethBalance(f.escrowAddress)).to.equal(ONE + RELEASE_FEE);
    });

    it("token approval: the transfer hook cannot re-enter claim or approve", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const jobId = await actorWorks(f, f.hookAddress);
      await networkHelpers.time.increase(REVIEW);
      await f.hook.setHook(f.actorAddress);
      for (const [index, reentry] of [
        [0n, "claimMilestone"],
        [1n, "approveMilestone"],
      ] as const) {
        await f.actor.arm(f.escrowAddress, call(f, reentry, [jobId, 1n]));
        await expect(f.escrow.connect(f.a.buyer).approveMilestone(jobId, index)).to.changeTokenBalances(
          ethers,
          f.hook,
          [f.escrow, f.actor],
          [-RELEASE_PAYEE, RELEASE_PAYEE],
        );
        await expectReentryFailed(f.actor, f.guardError);
      }
      expect(await f.hook.balanceOf(f.escrowAddress)).to.equal(2n * RELEASE_FEE);
      expect(await f.escrow.accruedFees(f.hookAddress)).to.equal(2n * RELEASE_FEE);
    });

    it("token claim: the transfer hook cannot re-enter claim or cancel", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const jobId = await actorWorks(f, f.hookAddress);
      await networkHelpers.time.increase(REVIEW);
      await f.hook.setHook(f.actorAddress);
      await f.actor.arm(f.escrowAddress, call(f, "claimMilestone", [jobId, 1n]));
      await expect(actorCalls(f, "claimMilestone", [jobId, 0n])).to.changeTokenBalances(
        ethers,
        f.hook,
        [f.escrow, f.actor],
        [-RELEASE_PAYEE, RELEASE_PAYEE],
      );
      await expectReentryFailed(f.actor, f.guardError);
      expect(await statusOf(f, jobId, 1)).to.equal(Status.Submitted);
      // Once the first claim is over, the second is an ordinary call.
      await f.actor.arm(f.escrowAddress, call(f, "cancelMilestone", [jobId, 0n]));
      await actorCalls(f, "claimMilestone", [jobId, 1n]);
      await expectReentryFailed(f.actor, f.guardError);
      expect(await f.hook.balanceOf(f.escrowAddress)).to.equal(2n * RELEASE_FEE);
    });

    it("an unguarded function finds the milestone already paid (checks-effects-interactions)", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const jobId = await actorWorks(f, f.hookAddress);
      await f.hook.setHook(f.actorAddress);
      await f.actor.arm(f.escrowAddress, call(f, "disputeMilestone", [jobId, 0n]));
      await f.escrow.connect(f.a.buyer).approveMilestone(jobId, 0);
      await expectReentryFailed(
        f.actor,
        f.escrow.interface.encodeErrorResult("WrongMilestoneStatus", [jobId, 0n, Status.Paid]),
      );
      expect(await statusOf(f, jobId, 0)).to.equal(Status.Paid);
    });
  });

  describe("the arbiter re-enters", function () {
    /** The actor joins the arbiter set with the minimum stake and judges a job of two disputed milestones. */
    async function actorJudges(f: Fixture, token: string) {
      const vault = f.stoa.stakingVault;
      const vaultAddress = await vault.getAddress();
      await f.stoa.token.connect(f.a.deployer).transfer(f.actorAddress, STAKE);
      await f.actor.execute(
        await f.stoa.token.getAddress(),
        0n,
        f.stoa.token.interface.encodeFunctionData("approve", [vaultAddress, STAKE]),
      );
      await f.actor.execute(vaultAddress, 0n, vault.interface.encodeFunctionData("deposit", [STAKE, f.actorAddress]));
      await f.stoa.registry.connect(f.dao).addArbiter(f.actorAddress, DELIVERABLE);
      const d = await deadline();
      await f.escrow
        .connect(f.a.buyer)
        .createJob(f.a.worker.address, f.actorAddress, token, JOB_HASH, [ONE, ONE], [d, d]);
      for (const index of [0, 1]) {
        await f.escrow.connect(f.a.buyer).fundMilestone(1n, index, { value: token === ETH ? ONE : 0n });
        await f.escrow.connect(f.a.worker).startMilestone(1n, index);
        await f.escrow.connect(f.a.buyer).disputeMilestone(1n, index);
      }
    }

    it("ETH fee: the push fails into a credit; withdrawing it cannot re-enter rule", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      await actorJudges(f, ETH);
      await f.actor.arm(f.escrowAddress, call(f, "ruleMilestone", [1n, 1n, 0n]));
      const ruling = actorCalls(f, "ruleMilestone", [1n, 0n, 5_000n]);
      await expect(ruling).to.emit(f.escrow, "Credited").withArgs(f.actorAddress, ETH, RULED_ARBITER);
      await expect(ruling).to.changeEtherBalances(
        ethers,
        [f.escrow, f.a.buyer, f.a.worker],
        [-(RULED_EMPLOYER + RULED_WORKER), RULED_EMPLOYER, RULED_WORKER],
      );
      await expectPushFailed(f.actor);

      await f.actor.arm(f.escrowAddress, call(f, "ruleMilestone", [1n, 1n, 0n]));
      await expect(actorCalls(f, "withdraw", [ETH, f.actorAddress])).to.changeEtherBalances(
        ethers,
        [f.escrow, f.actor],
        [-RULED_ARBITER, RULED_ARBITER],
      );
      await expectReentryFailed(f.actor, f.guardError);
      expect(await statusOf(f, 1n, 1)).to.equal(Status.Disputed);
      expect(await ethBalance(f.escrowAddress)).to.equal(ONE + RULED_FEE);
    });

    it("token fee: the transfer hook cannot re-enter rule", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      await actorJudges(f, f.hookAddress);
      await f.hook.setHook(f.actorAddress);
      await f.actor.arm(f.escrowAddress, call(f, "ruleMilestone", [1n, 1n, 0n]));
      await expect(actorCalls(f, "ruleMilestone", [1n, 0n, 5_000n])).to.changeTokenBalances(
        ethers,
        f.hook,
        [f.escrow, f.a.buyer, f.a.worker, f.actor],
        [-(RULED_EMPLOYER + RULED_WORKER + RULED_ARBITER), RULED_EMPLOYER, RULED_WORKER, RULED_ARBITER],
      );
      await expectReentryFailed(f.actor, f.guardError);
      expect(await statusOf(f, 1n, 1)).to.equal(Status.Disputed);
      expect(await f.hook.balanceOf(f.escrowAddress)).to.equal(ONE + RULED_FEE);
    });
  });

  describe("withdraw re-enters itself", function () {
    it("pays a credit once", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const d = await deadline();
      await actorCalls(f, "createJob", [f.a.worker.address, f.a.arbiter.address, ETH, JOB_HASH, [ONE], [d]]);
      await actorCalls(f, "fundMilestone", [1n, 0n], ONE);
      await f.actor.arm(f.escrowAddress, "0x");
      await actorCalls(f, "cancelMilestone", [1n, 0n]);
      expect(await f.escrow.credits(f.actorAddress, ETH)).to.equal(ONE);
      await f.actor.arm(f.escrowAddress, call(f, "withdraw", [ETH, f.actorAddress]));
      await expect(actorCalls(f, "withdraw", [ETH, f.actorAddress])).to.changeEtherBalances(
        ethers,
        [f.escrow, f.actor],
        [-ONE, ONE],
      );
      await expectReentryFailed(f.actor, f.guardError);
      expect(await f.escrow.credits(f.actorAddress, ETH)).to.equal(0n);
      expect(await ethBalance(f.escrowAddress)).to.equal(0n);
    });
  });
});
