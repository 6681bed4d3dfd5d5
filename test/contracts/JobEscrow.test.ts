/**
 * JobEscrow: milestone escrow for jobs. The employer (dev account `buyer`) hires `worker`, judged by
 * `arbiter`, in ETH or dUSD; the dev registry charges a 1% protocol fee and a 3% arbiter fee, gives
 * the employer one hour to review a submission and the arbiter one day to rule.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { id, ZeroAddress, type Interface, type Signer } from "ethers";
import { DAY, DEV_PARAMETERS, HOUR, deployStoa, devAccounts, signPermit } from "../helpers/stoa.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const ETH = ZeroAddress;
const ONE = 10n ** 18n;
/** An amount whose fees do not divide evenly, to check every rounding. */
const ODD = 10_007n;
const USD = 10n ** 6n;
const REVIEW = DEV_PARAMETERS.minDisputeWindow;
const RULING = DEV_PARAMETERS.rulingPeriod;
const MAX_DELIVERY = DEV_PARAMETERS.maxDeliveryPeriod;
const JOB_HASH = id("stoa:job:translate-the-whitepaper");
const DELIVERABLE = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
const REASON = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

const Status = {
  None: 0n,
  Unfunded: 1n,
  Funded: 2n,
  Started: 3n,
  Submitted: 4n,
  Disputed: 5n,
  Paid: 6n,
  Claimed: 7n,
  Ruled: 8n,
  Unruled: 9n,
  Cancelled: 10n,
} as const;
const Outcome = { Released: 0n, Claimed: 1n, Refunded: 2n, Ruled: 3n, Unruled: 4n } as const;

/** Splits as [payer (employer), payee (worker), arbiter fee, protocol fee], worked out by hand. */
const RELEASE_ONE = [0n, 990_000_000_000_000_000n, 0n, 10_000_000_000_000_000n]; // 1% fee
const RELEASE_ODD = [0n, 9_907n, 0n, 100n]; // fee floor(100.07)
const REFUND_ONE = [ONE, 0n, 0n, 0n];
// 1 ETH ruled 25% to the employer: arbiter 3% = 0.03; rest 0.97; employer 0.2425; worker gross
// 0.7275, fee 1% of it 0.007275, worker 0.720225.
const RULE_ONE_25 = [
  242_500_000_000_000_000n,
  720_225_000_000_000_000n,
  30_000_000_000_000_000n,
  7_275_000_000_000_000n,
];
// 10,007 wei ruled 33.33%: arbiter floor(300.21) = 300; rest 9,707; employer floor(3,235.34) = 3,235;
// worker gross 6,472, fee floor(64.72) = 64, worker 6,408.
const RULE_ODD_3333 = [3_235n, 6_408n, 300n, 64n];
// Unruled: half of 1 ETH back, the other half to the worker minus 1%, no arbiter fee.
const UNRULED_ONE = [500_000_000_000_000_000n, 495_000_000_000_000_000n, 0n, 5_000_000_000_000_000n];
// 10,007 wei unruled: employer floor(5,003.5) = 5,003; worker gross 5,004, fee 50, worker 4,954.
const UNRULED_ODD = [5_003n, 4_954n, 0n, 50n];

async function deployed() {
  const stoa = await deployStoa(connection);
  const a = await devAccounts(ethers);
  const timelockAddress = await stoa.timelock.getAddress();
  await networkHelpers.impersonateAccount(timelockAddress);
  await networkHelpers.setBalance(timelockAddress, 10n ** 18n);
  const dao = await ethers.getSigner(timelockAddress);
  const escrow = stoa.jobEscrow;
  const escrowAddress = await escrow.getAddress();
  const usd = stoa.devStablecoin;
  const usdAddress = await usd.getAddress();
  await usd.faucet(a.buyer.address, 10_000n * USD);
  return { stoa, a, dao, escrow, escrowAddress, usd, usdAddress };
}

async function now(): Promise<bigint> {
  return BigInt(await networkHelpers.time.latest());
}

/** Job 1: three ETH milestones of 1 ETH, 10,007 wei and 2 ETH, due in 7, 7 and 14 days. */
async function ethJob() {
  const f = await deployed();
  const t = await now();
  const amounts = [ONE, ODD, 2n * ONE];
  const deadlines = [t + 7n * DAY, t + 7n * DAY, t + 14n * DAY];
  await f.escrow
    .connect(f.a.buyer)
    .createJob(f.a.worker.address, f.a.arbiter.address, ETH, JOB_HASH, amounts, deadlines);
  return { ...f, jobId: 1n, token: ETH, amounts, deadlines };
}

/** Job 1: two dUSD milestones of 1,000 dUSD and 10,007 micro-dollars, due in 7 days. */
async function usdJob() {
  const f = await deployed();
  const t = await now();
  const amounts = [1_000n * USD, ODD];
  const deadlines = [t + 7n * DAY, t + 7n * DAY];
  await f.escrow
    .connect(f.a.buyer)
    .createJob(f.a.worker.address, f.a.arbiter.address, f.usdAddress, JOB_HASH, amounts, deadlines);
  await f.usd.connect(f.a.buyer).approve(f.escrowAddress, 10_000n * USD);
  return { ...f, jobId: 1n, token: f.usdAddress, amounts, deadlines };
}
type JobFixture = Awaited<ReturnType<typeof ethJob>>;

/** Walks milestone `index` of the fixture's job forward to `target` by the ordinary path. */
async function advance(f: JobFixture, index: number, target: bigint) {
  const { escrow, a, jobId } = f;
  const value = f.token === ETH ? f.amounts[index]! : 0n;
  if (target >= Status.Funded) await escrow.connect(a.buyer).fundMilestone(jobId, index, { value });
  if (target >= Status.Started) await escrow.connect(a.worker).startMilestone(jobId, index);
  if (target === Status.Submitted) await escrow.connect(a.worker).submitMilestone(jobId, index, DELIVERABLE);
  if (target === Status.Disputed) await escrow.connect(a.buyer).disputeMilestone(jobId, index);
}

async function milestone(f: JobFixture, index: number) {
  return (await f.escrow.getMilestones(f.jobId))[index]!;
}

/** Expects `call` to revert with WrongMilestoneStatus for milestone `index` in `status`. */
async function expectWrongStatus(f: JobFixture, index: number, status: bigint, call: Promise<unknown>) {
  await expect(call).to.be.revertedWithCustomError(f.escrow, "WrongMilestoneStatus").withArgs(f.jobId, index, status);
}

/** A settled milestone refuses every action, so it can never pay out twice. */
async function expectFinal(f: JobFixture, index: number, status: bigint) {
  const { escrow, a, jobId } = f;
  const value = f.token === ETH ? f.amounts[index]! : 0n;
  expect((await milestone(f, index)).status).to.equal(status);
  const attempts: (() => Promise<unknown>)[] = [
    () => escrow.connect(a.buyer).fundMilestone(jobId, index, { value }),
    () => escrow.connect(a.worker).startMilestone(jobId, index),
    () => escrow.connect(a.worker).submitMilestone(jobId, index, DELIVERABLE),
    () => escrow.connect(a.buyer).approveMilestone(jobId, index),
    () => escrow.connect(a.worker).claimMilestone(jobId, index),
    () => escrow.connect(a.buyer).disputeMilestone(jobId, index),
    () => escrow.connect(a.worker).disputeMilestone(jobId, index),
    () => escrow.connect(a.arbiter).ruleMilestone(jobId, index, 5_000n),
    () => escrow.connect(a.buyer).resolveUnruledMilestone(jobId, index),
    () => escrow.connect(a.buyer).cancelMilestone(jobId, index),
    () => escrow.connect(a.worker).cancelMilestone(jobId, index),
  ];
  for (const attempt of attempts) await expectWrongStatus(f, index, status, attempt());
}

describe("JobEscrow", function () {
  describe("deployment", function () {
    it("reads the dev registry and starts with no job", async function () {
      const { escrow, stoa } = await networkHelpers.loadFixture(deployed);
      expect(await escrow.registry()).to.equal(await stoa.registry.getAddress());
      expect(await escrow.jobCount()).to.equal(0n);
      expect(await escrow.MAX_MILESTONES()).to.equal(50n);
      expect(await escrow.PUSH_GAS_LIMIT()).to.equal(30_000n);
    });

    it("reverts with ZeroAddress without a registry", async function () {
      const { escrow } = await networkHelpers.loadFixture(deployed);
      await expect(ethers.deployContract("JobEscrow", [ZeroAddress])).to.be.revertedWithCustomError(
        escrow,
        "ZeroAddress",
      );
    });
  });

  describe("createJob", function () {
    it("stores the job with the registry's terms and emits it with its unfunded milestones", async function () {
      const { escrow, a } = await networkHelpers.loadFixture(deployed);
      const t = await now();
      const deadlines = [t + 2n * DAY, t + 9n * DAY];
      const tx = escrow
        .connect(a.buyer)
        .createJob(a.worker.address, a.arbiter.address, ETH, JOB_HASH, [ONE, ODD], deadlines);
      const job = [a.buyer.address, a.worker.address, a.arbiter.address, ETH, JOB_HASH, 100n, 300n, RULING, REVIEW];
      const milestones = [
        [ONE, deadlines[0]!, 0n, Status.Unfunded],
        [ODD, deadlines[1]!, 0n, Status.Unfunded],
      ];
      await expect(tx).to.emit(escrow, "JobCreated").withArgs(1n, a.buyer.address, a.worker.address, job, milestones);
      await expect(tx).to.changeEtherBalances(ethers, [a.buyer, escrow], [0n, 0n]);
      expect(await escrow.jobCount()).to.equal(1n);
      expect(await escrow.getJob(1n)).to.deep.equal(job);
      expect(await escrow.getMilestones(1n)).to.deep.equal(milestones);
    });

    it("numbers jobs from one and snapshots terms the DAO changes later", async function () {
      const { escrow, registry, a, usdAddress } = await networkHelpers
        .loadFixture(deployed)
        .then((f) => ({ ...f, registry: f.stoa.registry.connect(f.dao) }));
      const deadline = (await now()) + DAY;
      await escrow.connect(a.buyer).createJob(a.worker.address, a.arbiter.address, ETH, JOB_HASH, [ONE], [deadline]);
      await registry.setParams({
        protocolFeeBps: 1_000n,
        arbiterFeeBps: 1_500n,
        minDisputeWindow: 2n * HOUR,
        maxDeliveryPeriod: MAX_DELIVERY,
        rulingPeriod: 2n * DAY,
        minArbiterStake: 0n,
      });
      await expect(
        escrow.connect(a.seller).createJob(a.other.address, a.arbiter2.address, usdAddress, id("2"), [ODD], [deadline]),
      )
        .to.emit(escrow, "JobCreated")
        .withArgs(
          2n,
          a.seller.address,
          a.other.address,
          [
            a.seller.address,
            a.other.address,
            a.arbiter2.address,
            usdAddress,
            id("2"),
            1_000n,
            1_500n,
            2n * DAY,
            2n * HOUR,
          ],
          [[ODD, deadline, 0n, Status.Unfunded]],
        );
      expect(await escrow.jobCount()).to.equal(2n);
      expect(await escrow.getJob(1n)).to.deep.equal([
        a.buyer.address,
        a.worker.address,
        a.arbiter.address,
        ETH,
        JOB_HASH,
        100n,
        300n,
        RULING,
        REVIEW,
      ]);
    });

    it("accepts deadlines from the minimum dispute window to the maximum delivery period, and 50 milestones", async function () {
      const { escrow, a } = await networkHelpers.loadFixture(deployed);
      const t = (await now()) + 10n;
      await networkHelpers.time.setNextBlockTimestamp(t);
      const amounts = Array.from({ length: 50 }, (_, i) => BigInt(i + 1));
      const deadlines = amounts.map((_, i) => (i % 2 === 0 ? t + REVIEW : t + MAX_DELIVERY));
      await escrow.connect(a.buyer).createJob(a.worker.address, a.arbiter.address, ETH, JOB_HASH, amounts, deadlines);
      const stored = await escrow.getMilestones(1n);
      expect(stored.length).to.equal(50);
      expect(stored[49]).to.deep.equal([50n, t + MAX_DELIVERY, 0n, Status.Unfunded]);
    });

    it("reverts with BadMilestones for none, more than 50, or mismatched arrays", async function () {
      const { escrow, a } = await networkHelpers.loadFixture(deployed);
      const deadline = (await now()) + DAY;
      const create = (amounts: bigint[], deadlines: bigint[]) =>
        escrow.connect(a.buyer).createJob(a.worker.address, a.arbiter.address, ETH, JOB_HASH, amounts, deadlines);
      const many = Array.from({ length: 51 }, () => ONE);
      const cases: [bigint[], bigint[]][] = [
        [[], []],
        [many, many.map(() => deadline)],
        [[ONE, ONE], [deadline]],
        [[ONE], [deadline, deadline]],
      ];
      for (const [amounts, deadlines] of cases) {
        await expect(create(amounts, deadlines))
          .to.be.revertedWithCustomError(escrow, "BadMilestones")
          .withArgs(amounts.length, deadlines.length);
      }
    });

    it("reverts with SelfEmployment when the employer hires itself", async function () {
      const { escrow, a } = await networkHelpers.loadFixture(deployed);
      await expect(
        escrow
          .connect(a.buyer)
          .createJob(a.buyer.address, a.arbiter.address, ETH, JOB_HASH, [ONE], [(await now()) + DAY]),
      )
        .to.be.revertedWithCustomError(escrow, "SelfEmployment")
        .withArgs(a.buyer.address);
    });

    it("reverts with ZeroAmount for a milestone of nothing", async function () {
      const { escrow, a } = await networkHelpers.loadFixture(deployed);
      const deadline = (await now()) + DAY;
      await expect(
        escrow
          .connect(a.buyer)
          .createJob(a.worker.address, a.arbiter.address, ETH, JOB_HASH, [ONE, 0n], [deadline, deadline]),
      ).to.be.revertedWithCustomError(escrow, "ZeroAmount");
    });

    it("reverts with DeadlineOutOfRange before the minimum dispute window or after the maximum delivery period", async function () {
      const { escrow, a } = await networkHelpers.loadFixture(deployed);
      for (const offset of [REVIEW - 1n, MAX_DELIVERY + 1n]) {
        const t = (await now()) + 10n;
        await networkHelpers.time.setNextBlockTimestamp(t);
        const deadlines = [t + DAY, t + offset];
        await expect(
          escrow.connect(a.buyer).createJob(a.worker.address, a.arbiter.address, ETH, JOB_HASH, [ONE, ONE], deadlines),
        )
          .to.be.revertedWithCustomError(escrow, "DeadlineOutOfRange")
          .withArgs(t + offset, t + REVIEW, t + MAX_DELIVERY);
      }
    });

    it("reverts with the registry's AccountIsDenied for a denied employer or worker", async function () {
      const { escrow, stoa, dao, a } = await networkHelpers.loadFixture(deployed);
      const deadline = (await now()) + DAY;
      await stoa.registry.connect(dao).deny(a.worker.address, REASON);
      await expect(
        escrow.connect(a.buyer).createJob(a.worker.address, a.arbiter.address, ETH, JOB_HASH, [ONE], [deadline]),
      )
        .to.be.revertedWithCustomError(stoa.registry, "AccountIsDenied")
        .withArgs(a.worker.address);
      await expect(
        escrow.connect(a.worker).createJob(a.buyer.address, a.arbiter.address, ETH, JOB_HASH, [ONE], [deadline]),
      )
        .to.be.revertedWithCustomError(stoa.registry, "AccountIsDenied")
        .withArgs(a.worker.address);
    });

    it("reverts with the registry's NotArbiter, AccountIsDenied, InsufficientArbiterStake and ArbiterIsParty", async function () {
      const { escrow, stoa, dao, a } = await networkHelpers.loadFixture(deployed);
      const deadline = (await now()) + DAY;
      const create = (employer: Signer, worker: string, arbiter: string) =>
        escrow.connect(employer).createJob(worker, arbiter, ETH, JOB_HASH, [ONE], [deadline]);
      await expect(create(a.buyer, a.worker.address, a.outsider.address))
        .to.be.revertedWithCustomError(stoa.registry, "NotArbiter")
        .withArgs(a.outsider.address);
      await expect(create(a.arbiter2, a.worker.address, a.arbiter2.address))
        .to.be.revertedWithCustomError(stoa.registry, "ArbiterIsParty")
        .withArgs(a.arbiter2.address);
      await expect(create(a.buyer, a.arbiter2.address, a.arbiter2.address))
        .to.be.revertedWithCustomError(stoa.registry, "ArbiterIsParty")
        .withArgs(a.arbiter2.address);
      await stoa.stakingVault.connect(a.arbiter).requestUnbonding();
      await expect(create(a.buyer, a.worker.address, a.arbiter.address))
        .to.be.revertedWithCustomError(stoa.registry, "InsufficientArbiterStake")
        .withArgs(a.arbiter.address, 0n, 1_000n * ONE);
      await stoa.registry.connect(dao).deny(a.arbiter3.address, REASON);
      await expect(create(a.buyer, a.worker.address, a.arbiter3.address))
        .to.be.revertedWithCustomError(stoa.registry, "AccountIsDenied")
        .withArgs(a.arbiter3.address);
    });

    it("reverts with the registry's PaymentTokenNotAllowed for a token that is not accepted", async function () {
      const { escrow, stoa, a } = await networkHelpers.loadFixture(deployed);
      const token = await stoa.token.getAddress();
      await expect(
        escrow
          .connect(a.buyer)
          .createJob(a.worker.address, a.arbiter.address, token, JOB_HASH, [ONE], [(await now()) + DAY]),
      )
        .to.be.revertedWithCustomError(stoa.registry, "PaymentTokenNotAllowed")
        .withArgs(token);
    });
  });

  describe("fundMilestone", function () {
    it("takes the exact ETH amount and marks the milestone funded", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      const tx = f.escrow.connect(f.a.buyer).fundMilestone(f.jobId, 1, { value: ODD });
      await expect(tx).to.emit(f.escrow, "MilestoneFunded").withArgs(f.jobId, 1n, ODD);
      await expect(tx).to.changeEtherBalances(ethers, [f.a.buyer, f.escrow], [-ODD, ODD]);
      expect(await milestone(f, 1)).to.deep.equal([ODD, f.deadlines[1]!, 0n, Status.Funded]);
      expect((await milestone(f, 0)).status).to.equal(Status.Unfunded);
    });

    it("takes the exact dUSD amount by transferFrom", async function () {
      const f = await networkHelpers.loadFixture(usdJob);
      const tx = f.escrow.connect(f.a.buyer).fundMilestone(f.jobId, 0);
      await expect(tx)
        .to.emit(f.escrow, "MilestoneFunded")
        .withArgs(f.jobId, 0n, 1_000n * USD);
      await expect(tx).to.changeTokenBalances(ethers, f.usd, [f.a.buyer, f.escrow], [-1_000n * USD, 1_000n * USD]);
      expect((await milestone(f, 0)).status).to.equal(Status.Funded);
    });

    it("reverts with WrongEthValue for the wrong ETH value, or ETH sent with a token milestone", async function () {
      const eth = await networkHelpers.loadFixture(ethJob);
      for (const value of [0n, ONE - 1n, ONE + 1n]) {
        await expect(eth.escrow.connect(eth.a.buyer).fundMilestone(eth.jobId, 0, { value }))
          .to.be.revertedWithCustomError(eth.escrow, "WrongEthValue")
          .withArgs(value, ONE);
      }
      const usd = await networkHelpers.loadFixture(usdJob);
      await expect(usd.escrow.connect(usd.a.buyer).fundMilestone(usd.jobId, 0, { value: 1n }))
        .to.be.revertedWithCustomError(usd.escrow, "WrongEthValue")
        .withArgs(1n, 0n);
    });

    it("reverts with FeeOnTransferNotSupported for an accepted token that takes a fee", async function () {
      const { escrow, escrowAddress, stoa, dao, a } = await networkHelpers.loadFixture(deployed);
      const fot = await ethers.deployContract("FeeOnTransferToken");
      const fotAddress = await fot.getAddress();
      await stoa.registry.connect(dao).setPaymentToken(fotAddress, true);
      await fot.mint(a.buyer.address, 1_000n);
      await fot.connect(a.buyer).approve(escrowAddress, 1_000n);
      await escrow
        .connect(a.buyer)
        .createJob(a.worker.address, a.arbiter.address, fotAddress, JOB_HASH, [1_000n], [(await now()) + DAY]);
      await expect(escrow.connect(a.buyer).fundMilestone(1n, 0))
        .to.be.revertedWithCustomError(escrow, "FeeOnTransferNotSupported")
        .withArgs(fotAddress, 1_000n, 990n);
    });

    it("reverts with the token's ERC20InsufficientAllowance without an allowance", async function () {
      const f = await networkHelpers.loadFixture(usdJob);
      await f.usd.connect(f.a.buyer).approve(f.escrowAddress, 0n);
      await expect(f.escrow.connect(f.a.buyer).fundMilestone(f.jobId, 0))
        .to.be.revertedWithCustomError(f.usd, "ERC20InsufficientAllowance")
        .withArgs(f.escrowAddress, 0n, 1_000n * USD);
    });

    it("reverts with Unauthorized for anyone but the employer", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      for (const other of [f.a.worker, f.a.arbiter, f.a.outsider]) {
        await expect(f.escrow.connect(other).fundMilestone(f.jobId, 0, { value: ONE }))
          .to.be.revertedWithCustomError(f.escrow, "Unauthorized")
          .withArgs(other.address, f.a.buyer.address);
      }
    });

    it("reverts with WrongMilestoneStatus once funded", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Funded);
      await expectWrongStatus(
        f,
        0,
        Status.Funded,
        f.escrow.connect(f.a.buyer).fundMilestone(f.jobId, 0, { value: ONE }),
      );
    });

    it("reverts with MilestoneDeadlinePassed after the deadline, not at it", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await networkHelpers.time.setNextBlockTimestamp(f.deadlines[0]!);
      await f.escrow.connect(f.a.buyer).fundMilestone(f.jobId, 0, { value: ONE });
      await expect(f.escrow.connect(f.a.buyer).fundMilestone(f.jobId, 1, { value: ODD }))
        .to.be.revertedWithCustomError(f.escrow, "MilestoneDeadlinePassed")
        .withArgs(f.jobId, 1n, f.deadlines[1]!);
    });

    it("reverts with UnknownJob and UnknownMilestone", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await expect(f.escrow.connect(f.a.buyer).fundMilestone(2n, 0, { value: ONE }))
        .to.be.revertedWithCustomError(f.escrow, "UnknownJob")
        .withArgs(2n);
      await expect(f.escrow.connect(f.a.buyer).fundMilestone(f.jobId, 3, { value: ONE }))
        .to.be.revertedWithCustomError(f.escrow, "UnknownMilestone")
        .withArgs(f.jobId, 3n);
    });
  });

  describe("fundMilestoneWithPermit", function () {
    it("funds a dUSD milestone with a permit and no prior allowance", async function () {
      const f = await networkHelpers.loadFixture(usdJob);
      await f.usd.connect(f.a.buyer).approve(f.escrowAddress, 0n);
      const p = await signPermit(f.usd, f.a.buyer, f.escrowAddress, ODD, (await now()) + DAY);
      const tx = f.escrow.connect(f.a.buyer).fundMilestoneWithPermit(f.jobId, 1, p.deadline, p.v, p.r, p.s);
      await expect(tx).to.emit(f.escrow, "MilestoneFunded").withArgs(f.jobId, 1n, ODD);
      await expect(tx).to.changeTokenBalances(ethers, f.usd, [f.a.buyer, f.escrow], [-ODD, ODD]);
      expect(await f.usd.allowance(f.a.buyer.address, f.escrowAddress)).to.equal(0n);
      expect(await f.usd.nonces(f.a.buyer.address)).to.equal(1n);
      expect((await milestone(f, 1)).status).to.equal(Status.Funded);
    });

    it("still funds when a front-runner already submitted the permit", async function () {
      const f = await networkHelpers.loadFixture(usdJob);
      await f.usd.connect(f.a.buyer).approve(f.escrowAddress, 0n);
      const p = await signPermit(f.usd, f.a.buyer, f.escrowAddress, ODD, (await now()) + DAY);
      await f.usd.connect(f.a.outsider).permit(f.a.buyer.address, f.escrowAddress, ODD, p.deadline, p.v, p.r, p.s);
      await expect(
        f.escrow.connect(f.a.buyer).fundMilestoneWithPermit(f.jobId, 1, p.deadline, p.v, p.r, p.s),
      ).to.changeTokenBalances(ethers, f.usd, [f.a.buyer, f.escrow], [-ODD, ODD]);
    });

    it("reverts with the token's ERC20InsufficientAllowance for a bad permit and no allowance", async function () {
      const f = await networkHelpers.loadFixture(usdJob);
      await f.usd.connect(f.a.buyer).approve(f.escrowAddress, 0n);
      // Signed for less than the milestone: the permit fails, and so does the transfer.
      const p = await signPermit(f.usd, f.a.buyer, f.escrowAddress, ODD - 1n, (await now()) + DAY);
      await expect(f.escrow.connect(f.a.buyer).fundMilestoneWithPermit(f.jobId, 1, p.deadline, p.v, p.r, p.s))
        .to.be.revertedWithCustomError(f.usd, "ERC20InsufficientAllowance")
        .withArgs(f.escrowAddress, 0n, ODD);
    });

    it("reverts with UnknownJob and UnknownMilestone before trying the permit", async function () {
      const f = await networkHelpers.loadFixture(usdJob);
      const p = await signPermit(f.usd, f.a.buyer, f.escrowAddress, ODD, (await now()) + DAY);
      await expect(f.escrow.connect(f.a.buyer).fundMilestoneWithPermit(7n, 0, p.deadline, p.v, p.r, p.s))
        .to.be.revertedWithCustomError(f.escrow, "UnknownJob")
        .withArgs(7n);
      await expect(f.escrow.connect(f.a.buyer).fundMilestoneWithPermit(f.jobId, 2, p.deadline, p.v, p.r, p.s))
        .to.be.revertedWithCustomError(f.escrow, "UnknownMilestone")
        .withArgs(f.jobId, 2n);
    });

    it("reverts with Unauthorized for anyone but the employer", async function () {
      const f = await networkHelpers.loadFixture(usdJob);
      const p = await signPermit(f.usd, f.a.worker, f.escrowAddress, ODD, (await now()) + DAY);
      await expect(f.escrow.connect(f.a.worker).fundMilestoneWithPermit(f.jobId, 1, p.deadline, p.v, p.r, p.s))
        .to.be.revertedWithCustomError(f.escrow, "Unauthorized")
        .withArgs(f.a.worker.address, f.a.buyer.address);
    });

    it("refuses a permit for an ETH milestone with NotAToken", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      const p = { deadline: (await now()) + DAY, v: 27, r: id("r"), s: id("s") };
      await expect(f.escrow.connect(f.a.buyer).fundMilestoneWithPermit(f.jobId, 0, p.deadline, p.v, p.r, p.s))
        .to.be.revertedWithCustomError(f.escrow, "NotAToken")
        .withArgs(ZeroAddress);
    });
  });

  describe("startMilestone", function () {
    it("lets the worker start a funded milestone up to its deadline", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Funded);
      await networkHelpers.time.setNextBlockTimestamp(f.deadlines[0]!);
      await expect(f.escrow.connect(f.a.worker).startMilestone(f.jobId, 0))
        .to.emit(f.escrow, "MilestoneStarted")
        .withArgs(f.jobId, 0n);
      expect(await milestone(f, 0)).to.deep.equal([ONE, f.deadlines[0]!, 0n, Status.Started]);
    });

    it("reverts with Unauthorized for anyone but the worker", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Funded);
      for (const other of [f.a.buyer, f.a.arbiter, f.a.outsider]) {
        await expect(f.escrow.connect(other).startMilestone(f.jobId, 0))
          .to.be.revertedWithCustomError(f.escrow, "Unauthorized")
          .withArgs(other.address, f.a.worker.address);
      }
    });

    it("reverts with WrongMilestoneStatus unless funded", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await expectWrongStatus(f, 0, Status.Unfunded, f.escrow.connect(f.a.worker).startMilestone(f.jobId, 0));
      await advance(f, 0, Status.Started);
      await expectWrongStatus(f, 0, Status.Started, f.escrow.connect(f.a.worker).startMilestone(f.jobId, 0));
    });

    it("reverts with MilestoneDeadlinePassed after the deadline", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Funded);
      await networkHelpers.time.setNextBlockTimestamp(f.deadlines[0]! + 1n);
      await expect(f.escrow.connect(f.a.worker).startMilestone(f.jobId, 0))
        .to.be.revertedWithCustomError(f.escrow, "MilestoneDeadlinePassed")
        .withArgs(f.jobId, 0n, f.deadlines[0]!);
    });

    it("reverts with UnknownJob and UnknownMilestone", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await expect(f.escrow.connect(f.a.worker).startMilestone(0n, 0))
        .to.be.revertedWithCustomError(f.escrow, "UnknownJob")
        .withArgs(0n);
      await expect(f.escrow.connect(f.a.worker).startMilestone(f.jobId, 99))
        .to.be.revertedWithCustomError(f.escrow, "UnknownMilestone")
        .withArgs(f.jobId, 99n);
    });
  });

  describe("submitMilestone", function () {
    it("records the submission time and emits the deliverable CID", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Started);
      await networkHelpers.time.setNextBlockTimestamp(f.deadlines[0]!);
      await expect(f.escrow.connect(f.a.worker).submitMilestone(f.jobId, 0, DELIVERABLE))
        .to.emit(f.escrow, "MilestoneSubmitted")
        .withArgs(f.jobId, 0n, DELIVERABLE);
      expect(await milestone(f, 0)).to.deep.equal([ONE, f.deadlines[0]!, f.deadlines[0]!, Status.Submitted]);
    });

    it("reverts with Unauthorized for anyone but the worker", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Started);
      await expect(f.escrow.connect(f.a.buyer).submitMilestone(f.jobId, 0, DELIVERABLE))
        .to.be.revertedWithCustomError(f.escrow, "Unauthorized")
        .withArgs(f.a.buyer.address, f.a.worker.address);
    });

    it("reverts with WrongMilestoneStatus unless started", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Funded);
      await expectWrongStatus(
        f,
        0,
        Status.Funded,
        f.escrow.connect(f.a.worker).submitMilestone(f.jobId, 0, DELIVERABLE),
      );
      await advance(f, 1, Status.Submitted);
      await expectWrongStatus(
        f,
        1,
        Status.Submitted,
        f.escrow.connect(f.a.worker).submitMilestone(f.jobId, 1, DELIVERABLE),
      );
    });

    it("reverts with MilestoneDeadlinePassed after the deadline", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Started);
      await networkHelpers.time.setNextBlockTimestamp(f.deadlines[0]! + 1n);
      await expect(f.escrow.connect(f.a.worker).submitMilestone(f.jobId, 0, DELIVERABLE))
        .to.be.revertedWithCustomError(f.escrow, "MilestoneDeadlinePassed")
        .withArgs(f.jobId, 0n, f.deadlines[0]!);
    });

    it("reverts with UnknownMilestone", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await expect(f.escrow.connect(f.a.worker).submitMilestone(f.jobId, 3, DELIVERABLE))
        .to.be.revertedWithCustomError(f.escrow, "UnknownMilestone")
        .withArgs(f.jobId, 3n);
    });
  });

  describe("approveMilestone", function () {
    it("pays a started milestone to the worker minus the protocol fee", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Started);
      const tx = f.escrow.connect(f.a.buyer).approveMilestone(f.jobId, 0);
      await expect(tx).to.emit(f.escrow, "MilestoneSettled").withArgs(f.jobId, 0n, Outcome.Released, RELEASE_ONE);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.escrow, f.a.buyer, f.a.worker, f.a.arbiter],
        [-RELEASE_ONE[1]!, 0n, RELEASE_ONE[1]!, 0n],
      );
      expect(await f.escrow.accruedFees(ETH)).to.equal(RELEASE_ONE[3]!);
      await expectFinal(f, 0, Status.Paid);
    });

    it("pays a submitted milestone, rounding the fee down", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 1, Status.Submitted);
      const tx = f.escrow.connect(f.a.buyer).approveMilestone(f.jobId, 1);
      await expect(tx).to.emit(f.escrow, "MilestoneSettled").withArgs(f.jobId, 1n, Outcome.Released, RELEASE_ODD);
      await expect(tx).to.changeEtherBalances(ethers, [f.escrow, f.a.worker], [-9_907n, 9_907n]);
      expect(await f.escrow.accruedFees(ETH)).to.equal(100n);
      await expectFinal(f, 1, Status.Paid);
    });

    it("pays dUSD", async function () {
      const f = await networkHelpers.loadFixture(usdJob);
      await advance(f, 0, Status.Submitted);
      await expect(f.escrow.connect(f.a.buyer).approveMilestone(f.jobId, 0)).to.changeTokenBalances(
        ethers,
        f.usd,
        [f.escrow, f.a.worker],
        [-990n * USD, 990n * USD],
      );
      expect(await f.escrow.accruedFees(f.usdAddress)).to.equal(10n * USD);
      await expectFinal(f, 0, Status.Paid);
    });

    it("uses the fee snapshotted at creation, not the registry's current one", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await f.stoa.registry.connect(f.dao).setProtocolFee(1_000n);
      await advance(f, 0, Status.Started);
      await expect(f.escrow.connect(f.a.buyer).approveMilestone(f.jobId, 0))
        .to.emit(f.escrow, "MilestoneSettled")
        .withArgs(f.jobId, 0n, Outcome.Released, RELEASE_ONE);
    });

    it("reverts with Unauthorized for anyone but the employer", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Submitted);
      for (const other of [f.a.worker, f.a.arbiter, f.a.outsider]) {
        await expect(f.escrow.connect(other).approveMilestone(f.jobId, 0))
          .to.be.revertedWithCustomError(f.escrow, "Unauthorized")
          .withArgs(other.address, f.a.buyer.address);
      }
    });

    it("reverts with WrongMilestoneStatus unless started or submitted", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      const approve = (index: number) => f.escrow.connect(f.a.buyer).approveMilestone(f.jobId, index);
      await expectWrongStatus(f, 0, Status.Unfunded, approve(0));
      await advance(f, 0, Status.Funded);
      await expectWrongStatus(f, 0, Status.Funded, approve(0));
      await advance(f, 1, Status.Disputed);
      await expectWrongStatus(f, 1, Status.Disputed, approve(1));
    });

    it("reverts with UnknownJob", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await expect(f.escrow.connect(f.a.buyer).approveMilestone(5n, 0))
        .to.be.revertedWithCustomError(f.escrow, "UnknownJob")
        .withArgs(5n);
    });
  });

  describe("claimMilestone", function () {
    it("reverts with ReviewPeriodNotOver during the review period", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Submitted);
      const since = (await milestone(f, 0)).since;
      await networkHelpers.time.setNextBlockTimestamp(since + REVIEW - 1n);
      await expect(f.escrow.connect(f.a.worker).claimMilestone(f.jobId, 0))
        .to.be.revertedWithCustomError(f.escrow, "ReviewPeriodNotOver")
        .withArgs(f.jobId, 0n, since + REVIEW);
    });

    it("pays the worker from the end of the review period", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Submitted);
      const since = (await milestone(f, 0)).since;
      await networkHelpers.time.setNextBlockTimestamp(since + REVIEW);
      const tx = f.escrow.connect(f.a.worker).claimMilestone(f.jobId, 0);
      await expect(tx).to.emit(f.escrow, "MilestoneSettled").withArgs(f.jobId, 0n, Outcome.Claimed, RELEASE_ONE);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.escrow, f.a.buyer, f.a.worker],
        [-RELEASE_ONE[1]!, 0n, RELEASE_ONE[1]!],
      );
      expect(await f.escrow.accruedFees(ETH)).to.equal(RELEASE_ONE[3]!);
      await expectFinal(f, 0, Status.Claimed);
    });

    it("keeps the review period snapshotted at creation", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await f.stoa.registry.connect(f.dao).setParams({
        protocolFeeBps: 100n,
        arbiterFeeBps: 300n,
        minDisputeWindow: 10n * HOUR,
        maxDeliveryPeriod: MAX_DELIVERY,
        rulingPeriod: RULING,
        minArbiterStake: 0n,
      });
      await advance(f, 0, Status.Submitted);
      await networkHelpers.time.increase(REVIEW);
      await expect(f.escrow.connect(f.a.worker).claimMilestone(f.jobId, 0)).to.emit(f.escrow, "MilestoneSettled");
    });

    it("reverts with Unauthorized for anyone but the worker", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Submitted);
      await networkHelpers.time.increase(REVIEW);
      await expect(f.escrow.connect(f.a.buyer).claimMilestone(f.jobId, 0))
        .to.be.revertedWithCustomError(f.escrow, "Unauthorized")
        .withArgs(f.a.buyer.address, f.a.worker.address);
    });

    it("reverts with WrongMilestoneStatus unless submitted", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Started);
      await expectWrongStatus(f, 0, Status.Started, f.escrow.connect(f.a.worker).claimMilestone(f.jobId, 0));
    });
  });

  describe("disputeMilestone", function () {
    it("lets the employer dispute a started milestone", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Started);
      const t = (await now()) + 10n;
      await networkHelpers.time.setNextBlockTimestamp(t);
      await expect(f.escrow.connect(f.a.buyer).disputeMilestone(f.jobId, 0))
        .to.emit(f.escrow, "MilestoneDisputed")
        .withArgs(f.jobId, 0n, f.a.buyer.address);
      expect(await milestone(f, 0)).to.deep.equal([ONE, f.deadlines[0]!, t, Status.Disputed]);
    });

    it("lets the worker dispute a submission until the review period ends", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Submitted);
      const since = (await milestone(f, 0)).since;
      await networkHelpers.time.setNextBlockTimestamp(since + REVIEW - 1n);
      await expect(f.escrow.connect(f.a.worker).disputeMilestone(f.jobId, 0))
        .to.emit(f.escrow, "MilestoneDisputed")
        .withArgs(f.jobId, 0n, f.a.worker.address);
      expect(await milestone(f, 0)).to.deep.equal([ONE, f.deadlines[0]!, since + REVIEW - 1n, Status.Disputed]);
    });

    it("reverts with MilestoneDeadlinePassed for a started milestone past its deadline, which stays cancellable", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Started);
      const deadline = f.deadlines[0]!;
      await networkHelpers.time.setNextBlockTimestamp(deadline + 1n);
      await expect(f.escrow.connect(f.a.worker).disputeMilestone(f.jobId, 0))
        .to.be.revertedWithCustomError(f.escrow, "MilestoneDeadlinePassed")
        .withArgs(f.jobId, 0n, deadline);
      await expect(f.escrow.connect(f.a.buyer).cancelMilestone(f.jobId, 0)).to.emit(f.escrow, "MilestoneCancelled");
    });

    it("reverts with ReviewPeriodOver for a submission past its review period", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Submitted);
      const since = (await milestone(f, 0)).since;
      await networkHelpers.time.setNextBlockTimestamp(since + REVIEW);
      await expect(f.escrow.connect(f.a.buyer).disputeMilestone(f.jobId, 0))
        .to.be.revertedWithCustomError(f.escrow, "ReviewPeriodOver")
        .withArgs(f.jobId, 0n, since + REVIEW);
    });

    it("reverts with NotJobParty for the arbiter or an outsider", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Started);
      for (const other of [f.a.arbiter, f.a.outsider]) {
        await expect(f.escrow.connect(other).disputeMilestone(f.jobId, 0))
          .to.be.revertedWithCustomError(f.escrow, "NotJobParty")
          .withArgs(f.jobId, other.address);
      }
    });

    it("reverts with WrongMilestoneStatus for unfunded, funded or already disputed milestones", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      const dispute = (index: number) => f.escrow.connect(f.a.worker).disputeMilestone(f.jobId, index);
      await expectWrongStatus(f, 0, Status.Unfunded, dispute(0));
      await advance(f, 0, Status.Funded);
      await expectWrongStatus(f, 0, Status.Funded, dispute(0));
      await advance(f, 1, Status.Disputed);
      await expectWrongStatus(f, 1, Status.Disputed, dispute(1));
    });

    it("reverts with UnknownJob", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await expect(f.escrow.connect(f.a.buyer).disputeMilestone(9n, 0))
        .to.be.revertedWithCustomError(f.escrow, "UnknownJob")
        .withArgs(9n);
    });
  });

  describe("ruleMilestone", function () {
    it("splits 1 ETH: arbiter fee first, the employer's share of the rest, the protocol fee on the worker's part", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Disputed);
      const tx = f.escrow.connect(f.a.arbiter).ruleMilestone(f.jobId, 0, 2_500n);
      await expect(tx).to.emit(f.escrow, "MilestoneSettled").withArgs(f.jobId, 0n, Outcome.Ruled, RULE_ONE_25);
      const [employer, worker, arbiter, fee] = RULE_ONE_25 as [bigint, bigint, bigint, bigint];
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.escrow, f.a.buyer, f.a.worker, f.a.arbiter],
        [-(employer + worker + arbiter), employer, worker, arbiter],
      );
      expect(await f.escrow.accruedFees(ETH)).to.equal(fee);
      await expectFinal(f, 0, Status.Ruled);
    });

    it("rounds every part down, the remainders going to the employer's and worker's shares", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 1, Status.Disputed);
      const tx = f.escrow.connect(f.a.arbiter).ruleMilestone(f.jobId, 1, 3_333n);
      await expect(tx).to.emit(f.escrow, "MilestoneSettled").withArgs(f.jobId, 1n, Outcome.Ruled, RULE_ODD_3333);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.escrow, f.a.buyer, f.a.worker, f.a.arbiter],
        [-(3_235n + 6_408n + 300n), 3_235n, 6_408n, 300n],
      );
      expect(await f.escrow.accruedFees(ETH)).to.equal(64n);
    });

    it("gives everything after the arbiter fee to the employer at 100%, or to the worker at 0%", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Disputed);
      await advance(f, 2, Status.Disputed);
      await expect(f.escrow.connect(f.a.arbiter).ruleMilestone(f.jobId, 0, 10_000n))
        .to.emit(f.escrow, "MilestoneSettled")
        .withArgs(f.jobId, 0n, Outcome.Ruled, [970_000_000_000_000_000n, 0n, 30_000_000_000_000_000n, 0n]);
      // 2 ETH at 0%: arbiter 0.06, worker gross 1.94, fee 0.0194, worker 1.9206.
      await expect(f.escrow.connect(f.a.arbiter).ruleMilestone(f.jobId, 2, 0n))
        .to.emit(f.escrow, "MilestoneSettled")
        .withArgs(f.jobId, 2n, Outcome.Ruled, [
          0n,
          1_920_600_000_000_000_000n,
          60_000_000_000_000_000n,
          19_400_000_000_000_000n,
        ]);
    });

    it("splits dUSD", async function () {
      const f = await networkHelpers.loadFixture(usdJob);
      await advance(f, 1, Status.Disputed);
      await expect(f.escrow.connect(f.a.arbiter).ruleMilestone(f.jobId, 1, 3_333n)).to.changeTokenBalances(
        ethers,
        f.usd,
        [f.escrow, f.a.buyer, f.a.worker, f.a.arbiter],
        [-(3_235n + 6_408n + 300n), 3_235n, 6_408n, 300n],
      );
      expect(await f.escrow.accruedFees(f.usdAddress)).to.equal(64n);
    });

    it("reverts with BpsAboveWhole above 10,000 basis points", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Disputed);
      await expect(f.escrow.connect(f.a.arbiter).ruleMilestone(f.jobId, 0, 10_001n))
        .to.be.revertedWithCustomError(f.escrow, "BpsAboveWhole")
        .withArgs(10_001n);
    });

    it("reverts with Unauthorized for anyone but the job's arbiter", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Disputed);
      for (const other of [f.a.buyer, f.a.worker, f.a.arbiter2]) {
        await expect(f.escrow.connect(other).ruleMilestone(f.jobId, 0, 0n))
          .to.be.revertedWithCustomError(f.escrow, "Unauthorized")
          .withArgs(other.address, f.a.arbiter.address);
      }
    });

    it("reverts with the registry's error once the arbiter is removed, denied or unbonding", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      const registry = f.stoa.registry.connect(f.dao);
      await advance(f, 0, Status.Disputed);
      const rule = () => f.escrow.connect(f.a.arbiter).ruleMilestone(f.jobId, 0, 0n);
      await f.stoa.stakingVault.connect(f.a.arbiter).requestUnbonding();
      await expect(rule())
        .to.be.revertedWithCustomError(registry, "InsufficientArbiterStake")
        .withArgs(f.a.arbiter.address, 0n, 1_000n * ONE);
      await registry.deny(f.a.arbiter.address, REASON);
      await expect(rule()).to.be.revertedWithCustomError(registry, "AccountIsDenied").withArgs(f.a.arbiter.address);
      await registry.removeArbiter(f.a.arbiter.address);
      await expect(rule()).to.be.revertedWithCustomError(registry, "NotArbiter").withArgs(f.a.arbiter.address);
    });

    it("reverts with WrongMilestoneStatus unless disputed", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Submitted);
      await expectWrongStatus(f, 0, Status.Submitted, f.escrow.connect(f.a.arbiter).ruleMilestone(f.jobId, 0, 0n));
    });

    it("uses the arbiter fee snapshotted at creation", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await f.stoa.registry.connect(f.dao).setParams({
        protocolFeeBps: 1_000n,
        arbiterFeeBps: 1_500n,
        minDisputeWindow: REVIEW,
        maxDeliveryPeriod: MAX_DELIVERY,
        rulingPeriod: RULING,
        minArbiterStake: 1_000n * ONE,
      });
      await advance(f, 0, Status.Disputed);
      await expect(f.escrow.connect(f.a.arbiter).ruleMilestone(f.jobId, 0, 2_500n))
        .to.emit(f.escrow, "MilestoneSettled")
        .withArgs(f.jobId, 0n, Outcome.Ruled, RULE_ONE_25);
    });

    it("reverts with RulingPeriodOver from the end of the ruling period, leaving the fallback", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Disputed);
      const endsAt = (await milestone(f, 0)).since + RULING;
      await networkHelpers.time.setNextBlockTimestamp(endsAt);
      await expect(f.escrow.connect(f.a.arbiter).ruleMilestone(f.jobId, 0, 2_500n))
        .to.be.revertedWithCustomError(f.escrow, "RulingPeriodOver")
        .withArgs(f.jobId, 0n, endsAt);
      await expect(f.escrow.connect(f.a.worker).resolveUnruledMilestone(f.jobId, 0)).to.emit(
        f.escrow,
        "MilestoneSettled",
      );
    });
  });

  describe("resolveUnruledMilestone", function () {
    it("reverts with RulingPeriodNotOver while the arbiter may rule", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Disputed);
      const since = (await milestone(f, 0)).since;
      await networkHelpers.time.setNextBlockTimestamp(since + RULING - 1n);
      await expect(f.escrow.connect(f.a.worker).resolveUnruledMilestone(f.jobId, 0))
        .to.be.revertedWithCustomError(f.escrow, "RulingPeriodNotOver")
        .withArgs(f.jobId, 0n, since + RULING);
    });

    it("splits evenly without arbiter fee from the end of the ruling period", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Disputed);
      const since = (await milestone(f, 0)).since;
      await networkHelpers.time.setNextBlockTimestamp(since + RULING);
      const tx = f.escrow.connect(f.a.worker).resolveUnruledMilestone(f.jobId, 0);
      await expect(tx).to.emit(f.escrow, "MilestoneSettled").withArgs(f.jobId, 0n, Outcome.Unruled, UNRULED_ONE);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.escrow, f.a.buyer, f.a.worker, f.a.arbiter],
        [-(UNRULED_ONE[0]! + UNRULED_ONE[1]!), UNRULED_ONE[0]!, UNRULED_ONE[1]!, 0n],
      );
      expect(await f.escrow.accruedFees(ETH)).to.equal(UNRULED_ONE[3]!);
      await expectFinal(f, 0, Status.Unruled);
    });

    it("lets the employer resolve too, the odd wei going to the worker's side", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 1, Status.Disputed);
      await networkHelpers.time.increase(RULING);
      await expect(f.escrow.connect(f.a.buyer).resolveUnruledMilestone(f.jobId, 1))
        .to.emit(f.escrow, "MilestoneSettled")
        .withArgs(f.jobId, 1n, Outcome.Unruled, UNRULED_ODD);
      await expectFinal(f, 1, Status.Unruled);
    });

    it("is the way out when the arbiter was removed", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Disputed);
      await f.stoa.registry.connect(f.dao).removeArbiter(f.a.arbiter.address);
      await networkHelpers.time.increase(RULING);
      await expect(f.escrow.connect(f.a.buyer).resolveUnruledMilestone(f.jobId, 0))
        .to.emit(f.escrow, "MilestoneSettled")
        .withArgs(f.jobId, 0n, Outcome.Unruled, UNRULED_ONE);
    });

    it("reverts with NotJobParty for the arbiter or an outsider", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Disputed);
      await networkHelpers.time.increase(RULING);
      for (const other of [f.a.arbiter, f.a.outsider]) {
        await expect(f.escrow.connect(other).resolveUnruledMilestone(f.jobId, 0))
          .to.be.revertedWithCustomError(f.escrow, "NotJobParty")
          .withArgs(f.jobId, other.address);
      }
    });

    it("reverts with WrongMilestoneStatus unless disputed", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Started);
      await networkHelpers.time.increase(RULING);
      await expectWrongStatus(f, 0, Status.Started, f.escrow.connect(f.a.buyer).resolveUnruledMilestone(f.jobId, 0));
    });
  });

  describe("cancelMilestone", function () {
    it("lets the employer cancel an unfunded milestone: no funds move", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      const tx = f.escrow.connect(f.a.buyer).cancelMilestone(f.jobId, 0);
      await expect(tx).to.emit(f.escrow, "MilestoneCancelled").withArgs(f.jobId, 0n, f.a.buyer.address);
      await expect(tx).not.to.emit(f.escrow, "MilestoneSettled");
      await expect(tx).to.changeEtherBalances(ethers, [f.escrow, f.a.buyer], [0n, 0n]);
      await expectFinal(f, 0, Status.Cancelled);
    });

    it("lets the employer cancel a funded milestone: the amount comes back exactly", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Funded);
      const tx = f.escrow.connect(f.a.buyer).cancelMilestone(f.jobId, 0);
      await expect(tx).to.emit(f.escrow, "MilestoneCancelled").withArgs(f.jobId, 0n, f.a.buyer.address);
      await expect(tx).to.emit(f.escrow, "MilestoneSettled").withArgs(f.jobId, 0n, Outcome.Refunded, REFUND_ONE);
      await expect(tx).to.changeEtherBalances(ethers, [f.escrow, f.a.buyer, f.a.worker], [-ONE, ONE, 0n]);
      expect(await f.escrow.accruedFees(ETH)).to.equal(0n);
      await expectFinal(f, 0, Status.Cancelled);
    });

    it("lets the employer cancel a started milestone only after its deadline", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Started);
      await networkHelpers.time.setNextBlockTimestamp(f.deadlines[0]!);
      await expectWrongStatus(f, 0, Status.Started, f.escrow.connect(f.a.buyer).cancelMilestone(f.jobId, 0));
      await networkHelpers.time.setNextBlockTimestamp(f.deadlines[0]! + 1n);
      const tx = f.escrow.connect(f.a.buyer).cancelMilestone(f.jobId, 0);
      await expect(tx).to.emit(f.escrow, "MilestoneSettled").withArgs(f.jobId, 0n, Outcome.Refunded, REFUND_ONE);
      await expect(tx).to.changeEtherBalances(ethers, [f.escrow, f.a.buyer], [-ONE, ONE]);
      await expectFinal(f, 0, Status.Cancelled);
    });

    it("refuses the employer a submitted or disputed milestone, even after the deadline", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Submitted);
      await advance(f, 1, Status.Disputed);
      await networkHelpers.time.increaseTo(f.deadlines[0]! + 1n);
      await expectWrongStatus(f, 0, Status.Submitted, f.escrow.connect(f.a.buyer).cancelMilestone(f.jobId, 0));
      await expectWrongStatus(f, 1, Status.Disputed, f.escrow.connect(f.a.buyer).cancelMilestone(f.jobId, 1));
    });

    it("lets the worker step back from a funded or started milestone: the employer is refunded", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Funded);
      await advance(f, 1, Status.Started);
      const funded = f.escrow.connect(f.a.worker).cancelMilestone(f.jobId, 0);
      await expect(funded).to.emit(f.escrow, "MilestoneCancelled").withArgs(f.jobId, 0n, f.a.worker.address);
      await expect(funded).to.changeEtherBalances(ethers, [f.escrow, f.a.buyer, f.a.worker], [-ONE, ONE, 0n]);
      const started = f.escrow.connect(f.a.worker).cancelMilestone(f.jobId, 1);
      await expect(started)
        .to.emit(f.escrow, "MilestoneSettled")
        .withArgs(f.jobId, 1n, Outcome.Refunded, [ODD, 0n, 0n, 0n]);
      await expect(started).to.changeEtherBalances(ethers, [f.escrow, f.a.buyer, f.a.worker], [-ODD, ODD, 0n]);
      await expectFinal(f, 0, Status.Cancelled);
      await expectFinal(f, 1, Status.Cancelled);
    });

    it("refuses the worker an unfunded, submitted or disputed milestone", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      const cancel = (index: number) => f.escrow.connect(f.a.worker).cancelMilestone(f.jobId, index);
      await expectWrongStatus(f, 0, Status.Unfunded, cancel(0));
      await advance(f, 1, Status.Submitted);
      await expectWrongStatus(f, 1, Status.Submitted, cancel(1));
      await advance(f, 2, Status.Disputed);
      await expectWrongStatus(f, 2, Status.Disputed, cancel(2));
    });

    it("refunds dUSD", async function () {
      const f = await networkHelpers.loadFixture(usdJob);
      await advance(f, 0, Status.Started);
      await expect(f.escrow.connect(f.a.worker).cancelMilestone(f.jobId, 0)).to.changeTokenBalances(
        ethers,
        f.usd,
        [f.escrow, f.a.buyer],
        [-1_000n * USD, 1_000n * USD],
      );
    });

    it("reverts with NotJobParty for the arbiter or an outsider", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      for (const other of [f.a.arbiter, f.a.outsider]) {
        await expect(f.escrow.connect(other).cancelMilestone(f.jobId, 0))
          .to.be.revertedWithCustomError(f.escrow, "NotJobParty")
          .withArgs(f.jobId, other.address);
      }
    });

    it("reverts with UnknownMilestone", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await expect(f.escrow.connect(f.a.buyer).cancelMilestone(f.jobId, 3))
        .to.be.revertedWithCustomError(f.escrow, "UnknownMilestone")
        .withArgs(f.jobId, 3n);
    });
  });

  describe("getJob / getMilestones", function () {
    it("reverts with UnknownJob for id 0 and ids not created yet", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      for (const jobId of [0n, 2n]) {
        await expect(f.escrow.getJob(jobId)).to.be.revertedWithCustomError(f.escrow, "UnknownJob").withArgs(jobId);
        await expect(f.escrow.getMilestones(jobId))
          .to.be.revertedWithCustomError(f.escrow, "UnknownJob")
          .withArgs(jobId);
      }
    });

    it("reflects each milestone's state", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Submitted);
      await advance(f, 2, Status.Funded);
      const since = (await milestone(f, 0)).since;
      expect(await f.escrow.getMilestones(f.jobId)).to.deep.equal([
        [ONE, f.deadlines[0]!, since, Status.Submitted],
        [ODD, f.deadlines[1]!, 0n, Status.Unfunded],
        [2n * ONE, f.deadlines[2]!, 0n, Status.Funded],
      ]);
    });
  });

  describe("failed pushes, withdraw and sweepFees", function () {
    /** An ETH job whose worker is a contract that rejects ETH, milestone 0 started. */
    async function rejectingWorker() {
      const f = await deployed();
      const worker = await ethers.deployContract("RejectingReceiver");
      const workerAddress = await worker.getAddress();
      const deadline = (await now()) + DAY;
      await f.escrow.connect(f.a.buyer).createJob(workerAddress, f.a.arbiter.address, ETH, JOB_HASH, [ONE], [deadline]);
      await f.escrow.connect(f.a.buyer).fundMilestone(1n, 0, { value: ONE });
      await worker.execute(f.escrowAddress, 0n, f.escrow.interface.encodeFunctionData("startMilestone", [1n, 0n]));
      return { ...f, worker, workerAddress };
    }

    it("credits a payment the worker's contract rejects, and lets it withdraw the credit elsewhere", async function () {
      const f = await networkHelpers.loadFixture(rejectingWorker);
      const payee = RELEASE_ONE[1]!;
      const approve = f.escrow.connect(f.a.buyer).approveMilestone(1n, 0);
      await expect(approve).to.emit(f.escrow, "Credited").withArgs(f.workerAddress, ETH, payee);
      await expect(approve).to.changeEtherBalances(ethers, [f.escrow, f.worker], [0n, 0n]);
      expect(await f.escrow.credits(f.workerAddress, ETH)).to.equal(payee);
      const withdraw = f.worker.execute(
        f.escrowAddress,
        0n,
        f.escrow.interface.encodeFunctionData("withdraw", [ETH, f.a.outsider.address]),
      );
      await expect(withdraw).to.emit(f.escrow, "Withdrawn").withArgs(f.workerAddress, ETH, payee, f.a.outsider.address);
      await expect(withdraw).to.changeEtherBalances(ethers, [f.escrow, f.a.outsider, f.worker], [-payee, payee, 0n]);
      expect(await f.escrow.credits(f.workerAddress, ETH)).to.equal(0n);
      // What is left is exactly the protocol fee.
      expect(await ethers.provider.getBalance(f.escrowAddress)).to.equal(RELEASE_ONE[3]!);
    });

    it("reverts with NothingToWithdraw without a credit, ZeroAddress to nobody, WithdrawalFailed to a rejecting receiver", async function () {
      const f = await networkHelpers.loadFixture(rejectingWorker);
      await expect(f.escrow.connect(f.a.outsider).withdraw(ETH, f.a.outsider.address))
        .to.be.revertedWithCustomError(f.escrow, "NothingToWithdraw")
        .withArgs(f.a.outsider.address, ETH);
      await expect(f.escrow.connect(f.a.outsider).withdraw(ETH, ZeroAddress)).to.be.revertedWithCustomError(
        f.escrow,
        "ZeroAddress",
      );
      // A withdrawal to a contract that rejects ETH fails as a whole: the credit stays.
      const wallet = await ethers.deployContract("ReentrantActor");
      const walletAddress = await wallet.getAddress();
      await f.escrow
        .connect(f.a.buyer)
        .createJob(walletAddress, f.a.arbiter.address, ETH, id("2"), [ONE], [(await now()) + DAY]);
      await f.escrow.connect(f.a.buyer).fundMilestone(2n, 0, { value: ONE });
      await wallet.execute(f.escrowAddress, 0n, f.escrow.interface.encodeFunctionData("startMilestone", [2n, 0n]));
      // Armed, the wallet's receive hook needs more than the 30,000 gas of a push: the payment is credited.
      await wallet.arm(f.escrowAddress, "0x");
      await expect(f.escrow.connect(f.a.buyer).approveMilestone(2n, 0))
        .to.emit(f.escrow, "Credited")
        .withArgs(walletAddress, ETH, RELEASE_ONE[1]!);
      await expect(
        wallet.execute(f.escrowAddress, 0n, f.escrow.interface.encodeFunctionData("withdraw", [ETH, f.workerAddress])),
      )
        .to.be.revertedWithCustomError(f.escrow, "WithdrawalFailed")
        .withArgs(walletAddress, ETH, RELEASE_ONE[1]!);
      expect(await f.escrow.credits(walletAddress, ETH)).to.equal(RELEASE_ONE[1]!);
    });

    it("credits a refund and a ruling share the employer's contract rejects", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const employer = await ethers.deployContract("RejectingReceiver");
      const employerAddress = await employer.getAddress();
      const call = (name: string, index: bigint) => {
        const escrowInterface: Interface = f.escrow.interface;
        return escrowInterface.encodeFunctionData(name, [1n, index]);
      };
      const deadline = (await now()) + DAY;
      await employer.execute(
        f.escrowAddress,
        0n,
        f.escrow.interface.encodeFunctionData("createJob", [
          f.a.worker.address,
          f.a.arbiter.address,
          ETH,
          JOB_HASH,
          [ONE, ONE],
          [deadline, deadline],
        ]),
      );
      for (const index of [0n, 1n]) {
        await employer.execute(f.escrowAddress, ONE, call("fundMilestone", index), { value: ONE });
      }
      await expect(employer.execute(f.escrowAddress, 0n, call("cancelMilestone", 0n)))
        .to.emit(f.escrow, "Credited")
        .withArgs(employerAddress, ETH, ONE);
      await f.escrow.connect(f.a.worker).startMilestone(1n, 1);
      await employer.execute(f.escrowAddress, 0n, call("disputeMilestone", 1n));
      const ruling = f.escrow.connect(f.a.arbiter).ruleMilestone(1n, 1, 2_500n);
      await expect(ruling).to.emit(f.escrow, "Credited").withArgs(employerAddress, ETH, RULE_ONE_25[0]!);
      await expect(ruling).to.changeEtherBalances(
        ethers,
        [f.a.worker, f.a.arbiter],
        [RULE_ONE_25[1]!, RULE_ONE_25[2]!],
      );
      expect(await f.escrow.credits(employerAddress, ETH)).to.equal(ONE + RULE_ONE_25[0]!);
    });

    it("credits a token payment the token refuses to deliver, withdrawable once it can be", async function () {
      const { escrow, escrowAddress, stoa, dao, a } = await networkHelpers.loadFixture(deployed);
      const hook = await ethers.deployContract("HookToken");
      const hookAddress = await hook.getAddress();
      await stoa.registry.connect(dao).setPaymentToken(hookAddress, true);
      await hook.mint(a.buyer.address, ONE);
      await hook.connect(a.buyer).approve(escrowAddress, ONE);
      await escrow
        .connect(a.buyer)
        .createJob(a.worker.address, a.arbiter.address, hookAddress, JOB_HASH, [ONE], [(await now()) + DAY]);
      await escrow.connect(a.buyer).fundMilestone(1n, 0);
      await escrow.connect(a.worker).startMilestone(1n, 0);
      await hook.setBlocked(a.worker.address, true);
      const payee = RELEASE_ONE[1]!;
      const approve = escrow.connect(a.buyer).approveMilestone(1n, 0);
      await expect(approve).to.emit(escrow, "Credited").withArgs(a.worker.address, hookAddress, payee);
      await expect(approve).to.changeTokenBalances(ethers, hook, [escrow, a.worker], [0n, 0n]);
      expect(await escrow.credits(a.worker.address, hookAddress)).to.equal(payee);
      await hook.setBlocked(a.worker.address, false);
      const withdraw = escrow.connect(a.worker).withdraw(hookAddress, a.worker.address);
      await expect(withdraw)
        .to.emit(escrow, "Withdrawn")
        .withArgs(a.worker.address, hookAddress, payee, a.worker.address);
      await expect(withdraw).to.changeTokenBalances(ethers, hook, [escrow, a.worker], [-payee, payee]);
      expect(await escrow.credits(a.worker.address, hookAddress)).to.equal(0n);
      expect(await hook.balanceOf(escrowAddress)).to.equal(RELEASE_ONE[3]!);
    });

    it("sweeps accrued fees to the treasury, once", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      await advance(f, 0, Status.Started);
      await f.escrow.connect(f.a.buyer).approveMilestone(f.jobId, 0);
      const fee = RELEASE_ONE[3]!;
      const sweep = f.escrow.connect(f.a.outsider).sweepFees(ETH);
      await expect(sweep).to.emit(f.escrow, "FeesSwept").withArgs(ETH, f.dao.address, fee);
      await expect(sweep).to.changeEtherBalances(ethers, [f.escrow, f.dao], [-fee, fee]);
      expect(await f.escrow.accruedFees(ETH)).to.equal(0n);
      await expect(f.escrow.sweepFees(ETH))
        .to.be.revertedWithCustomError(f.escrow, "NothingToWithdraw")
        .withArgs(f.escrowAddress, ETH);
    });

    it("sweeps dUSD fees to the treasury", async function () {
      const f = await networkHelpers.loadFixture(usdJob);
      await advance(f, 0, Status.Started);
      await f.escrow.connect(f.a.buyer).approveMilestone(f.jobId, 0);
      const sweep = f.escrow.sweepFees(f.usdAddress);
      await expect(sweep)
        .to.emit(f.escrow, "FeesSwept")
        .withArgs(f.usdAddress, f.dao.address, 10n * USD);
      await expect(sweep).to.changeTokenBalances(ethers, f.usd, [f.escrow, f.dao], [-10n * USD, 10n * USD]);
      expect(await f.escrow.accruedFees(f.usdAddress)).to.equal(0n);
    });

    it("reverts with WithdrawalFailed when the treasury rejects ETH, keeping the fees", async function () {
      const f = await networkHelpers.loadFixture(ethJob);
      const treasury = await ethers.deployContract("RejectingReceiver");
      const treasuryAddress = await treasury.getAddress();
      await f.stoa.registry.connect(f.dao).setTreasury(treasuryAddress);
      await advance(f, 0, Status.Started);
      await f.escrow.connect(f.a.buyer).approveMilestone(f.jobId, 0);
      await expect(f.escrow.sweepFees(ETH))
        .to.be.revertedWithCustomError(f.escrow, "WithdrawalFailed")
        .withArgs(treasuryAddress, ETH, RELEASE_ONE[3]!);
      expect(await f.escrow.accruedFees(ETH)).to.equal(RELEASE_ONE[3]!);
    });
  });
});
