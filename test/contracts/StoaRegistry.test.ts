/**
 * StoaRegistry: the DAO-controlled deny list, arbiter set, payment tokens, treasury and protocol
 * parameters. Privileged calls come from the impersonated timelock; every other account is refused.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { ZeroAddress, ZeroHash, type Signer } from "ethers";
import { DEV_PARAMETERS, deployStoa, devAccounts } from "../helpers/stoa.ts";
import type { StoaRegistry } from "../../types/ethers-contracts/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const ADMIN_ROLE = ZeroHash;
const STOA = 10n ** 18n;
const MIN_WINDOW = 3600n;
const MAX_WINDOW = 365n * 24n * 3600n;
const REASON = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
const PROFILE = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

interface Params {
  protocolFeeBps: bigint;
  arbiterFeeBps: bigint;
  minDisputeWindow: bigint;
  maxDeliveryPeriod: bigint;
  rulingPeriod: bigint;
  minArbiterStake: bigint;
}

/** The parameters the dev deployment starts with. */
const DEV_PARAMS: Params = {
  protocolFeeBps: 100n,
  arbiterFeeBps: 300n,
  minDisputeWindow: DEV_PARAMETERS.minDisputeWindow,
  maxDeliveryPeriod: DEV_PARAMETERS.maxDeliveryPeriod,
  rulingPeriod: DEV_PARAMETERS.rulingPeriod,
  minArbiterStake: 1_000n * STOA,
};
const tuple = (p: Params) => [
  p.protocolFeeBps,
  p.arbiterFeeBps,
  p.minDisputeWindow,
  p.maxDeliveryPeriod,
  p.rulingPeriod,
  p.minArbiterStake,
];

/** A signer for the contract at `address`, with ETH for gas. */
async function impersonate(address: string) {
  await networkHelpers.impersonateAccount(address);
  await networkHelpers.setBalance(address, 10n ** 18n);
  return ethers.getSigner(address);
}

async function deployed() {
  const stoa = await deployStoa(connection);
  const a = await devAccounts(ethers);
  const dao = await impersonate(await stoa.timelock.getAddress());
  const registry = stoa.registry.connect(dao);
  const usd = await stoa.devStablecoin.getAddress();
  // Accounts that hold no role: the governor (it acts only through the timelock), the deployer
  // (who renounced everything), a user, an arbiter.
  const governor = await impersonate(await stoa.governor.getAddress());
  const others = [governor, a.deployer, a.outsider, a.arbiter];
  return { stoa, a, dao, registry, usd, others };
}

/** Every account of `others` is refused `call` with AccessControlUnauthorizedAccount. */
async function expectAdminOnly(
  registry: StoaRegistry,
  others: Signer[],
  call: (asOther: StoaRegistry) => Promise<unknown>,
) {
  for (const other of others) {
    await expect(call(registry.connect(other)))
      .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
      .withArgs(await other.getAddress(), ADMIN_ROLE);
  }
}

async function nextTimestamp(): Promise<bigint> {
  const next = BigInt(await networkHelpers.time.latest()) + 10n;
  await networkHelpers.time.setNextBlockTimestamp(next);
  return next;
}

describe("StoaRegistry", function () {
  describe("constructor", function () {
    async function deployRegistry(
      admin: string,
      vault: string,
      treasury: string,
      params: Params,
      arbiters: string[],
      tokens: string[],
    ) {
      return ethers.deployContract("StoaRegistry", [admin, vault, treasury, params, arbiters, tokens]);
    }

    it("wires the dev deployment: timelock admin and treasury, vault, parameters, arbiters, dUSD", async function () {
      const { stoa, a, dao, usd } = await networkHelpers.loadFixture(deployed);
      expect(await stoa.registry.hasRole(ADMIN_ROLE, dao.address)).to.equal(true);
      expect(await stoa.registry.hasRole(ADMIN_ROLE, a.deployer.address)).to.equal(false);
      expect(await stoa.registry.stakingVault()).to.equal(await stoa.stakingVault.getAddress());
      expect(await stoa.registry.treasury()).to.equal(dao.address);
      expect(await stoa.registry.params()).to.deep.equal(tuple(DEV_PARAMS));
      expect(await stoa.registry.arbiters()).to.deep.equal([a.arbiter.address, a.arbiter2.address, a.arbiter3.address]);
      expect(await stoa.registry.isPaymentToken(usd)).to.equal(true);
      expect(await stoa.registry.MAX_PROTOCOL_FEE_BPS()).to.equal(1_000n);
      expect(await stoa.registry.MAX_ARBITER_FEE_BPS()).to.equal(1_500n);
      expect(await stoa.registry.MIN_WINDOW()).to.equal(MIN_WINDOW);
      expect(await stoa.registry.MAX_WINDOW()).to.equal(MAX_WINDOW);
    });

    it("emits the initial treasury, parameters, arbiters and payment tokens", async function () {
      const { a, usd } = await networkHelpers.loadFixture(deployed);
      const registry = await deployRegistry(
        a.deployer.address,
        a.other.address,
        a.creator.address,
        DEV_PARAMS,
        [a.arbiter.address, a.arbiter2.address],
        [usd],
      );
      const deployment = registry.deploymentTransaction()!;
      await expect(deployment).to.emit(registry, "TreasuryUpdated").withArgs(ZeroAddress, a.creator.address);
      await expect(deployment).to.emit(registry, "ParamsUpdated").withArgs([0n, 0n, 0n, 0n, 0n, 0n], tuple(DEV_PARAMS));
      await expect(deployment).to.emit(registry, "ArbiterAdded").withArgs(a.arbiter.address, "");
      await expect(deployment).to.emit(registry, "ArbiterAdded").withArgs(a.arbiter2.address, "");
      await expect(deployment).to.emit(registry, "PaymentTokenSet").withArgs(usd, true);
      expect(await registry.hasRole(ADMIN_ROLE, a.deployer.address)).to.equal(true);
      expect(await registry.stakingVault()).to.equal(a.other.address);
      expect(await registry.arbiters()).to.deep.equal([a.arbiter.address, a.arbiter2.address]);
      expect(await registry.isArbiter(a.arbiter2.address)).to.equal(true);
    });

    it("refuses a zero admin, vault, treasury, initial arbiter or payment token", async function () {
      const { a, registry } = await networkHelpers.loadFixture(deployed);
      const ok = a.other.address;
      const cases: [string, string, string, string[], string[]][] = [
        [ZeroAddress, ok, ok, [], []],
        [ok, ZeroAddress, ok, [], []],
        [ok, ok, ZeroAddress, [], []],
        [ok, ok, ok, [ZeroAddress], []],
        [ok, ok, ok, [], [ZeroAddress]],
      ];
      for (const [admin, vault, treasury, arbiters, tokens] of cases) {
        await expect(
          deployRegistry(admin, vault, treasury, DEV_PARAMS, arbiters, tokens),
        ).to.be.revertedWithCustomError(registry, "ZeroAddress");
      }
    });

    it("refuses invalid initial parameters and a duplicate initial arbiter", async function () {
      const { a, registry } = await networkHelpers.loadFixture(deployed);
      const ok = a.other.address;
      await expect(deployRegistry(ok, ok, ok, { ...DEV_PARAMS, protocolFeeBps: 1_001n }, [], []))
        .to.be.revertedWithCustomError(registry, "FeeAboveCap")
        .withArgs(1_001n, 1_000n);
      await expect(deployRegistry(ok, ok, ok, { ...DEV_PARAMS, rulingPeriod: 0n }, [], []))
        .to.be.revertedWithCustomError(registry, "WindowOutOfRange")
        .withArgs(0n);
      await expect(deployRegistry(ok, ok, ok, DEV_PARAMS, [a.arbiter.address, a.arbiter.address], []))
        .to.be.revertedWithCustomError(registry, "AlreadyArbiter")
        .withArgs(a.arbiter.address);
    });
  });

  describe("setParams", function () {
    const next: Params = {
      protocolFeeBps: 1_000n,
      arbiterFeeBps: 1_500n,
      minDisputeWindow: MIN_WINDOW,
      maxDeliveryPeriod: MAX_WINDOW,
      rulingPeriod: MAX_WINDOW,
      minArbiterStake: 5n * STOA,
    };

    it("replaces every parameter, caps and bounds included, and emits previous and current", async function () {
      const { registry } = await networkHelpers.loadFixture(deployed);
      await expect(registry.setParams(next))
        .to.emit(registry, "ParamsUpdated")
        .withArgs(tuple(DEV_PARAMS), tuple(next));
      expect(await registry.params()).to.deep.equal(tuple(next));
    });

    it("accepts a maximum delivery period equal to the minimum dispute window", async function () {
      const { registry } = await networkHelpers.loadFixture(deployed);
      const equal = { ...DEV_PARAMS, minDisputeWindow: 2n * MIN_WINDOW, maxDeliveryPeriod: 2n * MIN_WINDOW };
      await expect(registry.setParams(equal)).to.emit(registry, "ParamsUpdated");
      expect(await registry.params()).to.deep.equal(tuple(equal));
    });

    it("reverts with FeeAboveCap for a protocol fee above 10% or an arbiter fee above 15%", async function () {
      const { registry } = await networkHelpers.loadFixture(deployed);
      await expect(registry.setParams({ ...DEV_PARAMS, protocolFeeBps: 1_001n }))
        .to.be.revertedWithCustomError(registry, "FeeAboveCap")
        .withArgs(1_001n, 1_000n);
      await expect(registry.setParams({ ...DEV_PARAMS, arbiterFeeBps: 1_501n }))
        .to.be.revertedWithCustomError(registry, "FeeAboveCap")
        .withArgs(1_501n, 1_500n);
    });

    it("reverts with WindowOutOfRange for each window below one hour or above a year", async function () {
      const { registry } = await networkHelpers.loadFixture(deployed);
      for (const window of ["minDisputeWindow", "maxDeliveryPeriod", "rulingPeriod"] as const) {
        for (const seconds of [MIN_WINDOW - 1n, MAX_WINDOW + 1n]) {
          // Keep maxDeliveryPeriod >= minDisputeWindow so that only the bound under test fails.
          const params = { ...DEV_PARAMS, maxDeliveryPeriod: MAX_WINDOW, [window]: seconds };
          await expect(registry.setParams(params))
            .to.be.revertedWithCustomError(registry, "WindowOutOfRange")
            .withArgs(seconds);
        }
      }
    });

    it("reverts with WindowOutOfRange when the maximum delivery period is below the minimum dispute window", async function () {
      const { registry } = await networkHelpers.loadFixture(deployed);
      const params = { ...DEV_PARAMS, minDisputeWindow: 2n * MIN_WINDOW, maxDeliveryPeriod: 2n * MIN_WINDOW - 1n };
      await expect(registry.setParams(params))
        .to.be.revertedWithCustomError(registry, "WindowOutOfRange")
        .withArgs(2n * MIN_WINDOW - 1n);
    });

    it("is refused to every account but the timelock", async function () {
      const { registry, others } = await networkHelpers.loadFixture(deployed);
      await expectAdminOnly(registry, others, (r) => r.setParams(next));
    });
  });

  describe("setProtocolFee", function () {
    it("changes only the protocol fee, up to the cap", async function () {
      const { registry } = await networkHelpers.loadFixture(deployed);
      await expect(registry.setProtocolFee(1_000n))
        .to.emit(registry, "ParamsUpdated")
        .withArgs(tuple(DEV_PARAMS), tuple({ ...DEV_PARAMS, protocolFeeBps: 1_000n }));
      expect(await registry.params()).to.deep.equal(tuple({ ...DEV_PARAMS, protocolFeeBps: 1_000n }));
    });

    it("reverts with FeeAboveCap above 10%", async function () {
      const { registry } = await networkHelpers.loadFixture(deployed);
      await expect(registry.setProtocolFee(1_001n))
        .to.be.revertedWithCustomError(registry, "FeeAboveCap")
        .withArgs(1_001n, 1_000n);
    });

    it("is refused to every account but the timelock", async function () {
      const { registry, others } = await networkHelpers.loadFixture(deployed);
      await expectAdminOnly(registry, others, (r) => r.setProtocolFee(0n));
    });
  });

  describe("setMinArbiterStake", function () {
    it("changes only the minimum arbiter stake", async function () {
      const { registry } = await networkHelpers.loadFixture(deployed);
      await expect(registry.setMinArbiterStake(0n))
        .to.emit(registry, "ParamsUpdated")
        .withArgs(tuple(DEV_PARAMS), tuple({ ...DEV_PARAMS, minArbiterStake: 0n }));
      expect((await registry.params()).minArbiterStake).to.equal(0n);
    });

    it("is refused to every account but the timelock", async function () {
      const { registry, others } = await networkHelpers.loadFixture(deployed);
      await expectAdminOnly(registry, others, (r) => r.setMinArbiterStake(1n));
    });
  });

  describe("setTreasury", function () {
    it("sets the receiver of protocol fees and emits previous and current", async function () {
      const { registry, dao, a } = await networkHelpers.loadFixture(deployed);
      await expect(registry.setTreasury(a.other.address))
        .to.emit(registry, "TreasuryUpdated")
        .withArgs(dao.address, a.other.address);
      expect(await registry.treasury()).to.equal(a.other.address);
    });

    it("reverts with ZeroAddress for the zero address", async function () {
      const { registry } = await networkHelpers.loadFixture(deployed);
      await expect(registry.setTreasury(ZeroAddress)).to.be.revertedWithCustomError(registry, "ZeroAddress");
    });

    it("is refused to every account but the timelock", async function () {
      const { registry, others, a } = await networkHelpers.loadFixture(deployed);
      await expectAdminOnly(registry, others, (r) => r.setTreasury(a.outsider.address));
    });
  });

  describe("deny", function () {
    it("denies an account from the block timestamp, with the reason CID", async function () {
      const { registry, a } = await networkHelpers.loadFixture(deployed);
      const since = await nextTimestamp();
      await expect(registry.deny(a.seller.address, REASON))
        .to.emit(registry, "AccountDenied")
        .withArgs(a.seller.address, REASON, since);
      expect(await registry.isDenied(a.seller.address)).to.equal(true);
      expect(await registry.deniedSince(a.seller.address)).to.equal(since);
      expect(await registry.isDenied(a.buyer.address)).to.equal(false);
      expect(await registry.deniedSince(a.buyer.address)).to.equal(0n);
    });

    it("reverts with AccountIsDenied for an account already denied", async function () {
      const { registry, a } = await networkHelpers.loadFixture(deployed);
      await registry.deny(a.seller.address, REASON);
      await expect(registry.deny(a.seller.address, REASON))
        .to.be.revertedWithCustomError(registry, "AccountIsDenied")
        .withArgs(a.seller.address);
    });

    it("reverts with ZeroAddress for the zero address", async function () {
      const { registry } = await networkHelpers.loadFixture(deployed);
      await expect(registry.deny(ZeroAddress, REASON)).to.be.revertedWithCustomError(registry, "ZeroAddress");
    });

    it("is refused to every account but the timelock", async function () {
      const { registry, others, a } = await networkHelpers.loadFixture(deployed);
      await expectAdminOnly(registry, others, (r) => r.deny(a.seller.address, REASON));
    });
  });

  describe("allow", function () {
    it("takes an account off the deny list with the reason CID", async function () {
      const { registry, a } = await networkHelpers.loadFixture(deployed);
      await registry.deny(a.seller.address, REASON);
      await expect(registry.allow(a.seller.address, PROFILE))
        .to.emit(registry, "AccountAllowed")
        .withArgs(a.seller.address, PROFILE);
      expect(await registry.isDenied(a.seller.address)).to.equal(false);
      expect(await registry.deniedSince(a.seller.address)).to.equal(0n);
    });

    it("reverts with AccountNotDenied for an account not denied", async function () {
      const { registry, a } = await networkHelpers.loadFixture(deployed);
      await expect(registry.allow(a.seller.address, REASON))
        .to.be.revertedWithCustomError(registry, "AccountNotDenied")
        .withArgs(a.seller.address);
    });

    it("is refused to every account but the timelock", async function () {
      const { registry, others, a } = await networkHelpers.loadFixture(deployed);
      await registry.deny(a.seller.address, REASON);
      await expectAdminOnly(registry, others, (r) => r.allow(a.seller.address, REASON));
    });
  });

  describe("addArbiter", function () {
    it("adds an arbiter with its profile CID", async function () {
      const { registry, a } = await networkHelpers.loadFixture(deployed);
      await expect(registry.addArbiter(a.outsider.address, PROFILE))
        .to.emit(registry, "ArbiterAdded")
        .withArgs(a.outsider.address, PROFILE);
      expect(await registry.isArbiter(a.outsider.address)).to.equal(true);
      expect(await registry.arbiters()).to.deep.equal([
        a.arbiter.address,
        a.arbiter2.address,
        a.arbiter3.address,
        a.outsider.address,
      ]);
    });

    it("reverts with AlreadyArbiter for a member of the set", async function () {
      const { registry, a } = await networkHelpers.loadFixture(deployed);
      await expect(registry.addArbiter(a.arbiter2.address, PROFILE))
        .to.be.revertedWithCustomError(registry, "AlreadyArbiter")
        .withArgs(a.arbiter2.address);
    });

    it("reverts with ZeroAddress for the zero address", async function () {
      const { registry } = await networkHelpers.loadFixture(deployed);
      await expect(registry.addArbiter(ZeroAddress, PROFILE)).to.be.revertedWithCustomError(registry, "ZeroAddress");
    });

    it("is refused to every account but the timelock", async function () {
      const { registry, others, a } = await networkHelpers.loadFixture(deployed);
      await expectAdminOnly(registry, others, (r) => r.addArbiter(a.outsider.address, PROFILE));
    });
  });

  describe("removeArbiter", function () {
    it("removes an arbiter from the set, which can then be added again", async function () {
      const { registry, a } = await networkHelpers.loadFixture(deployed);
      await expect(registry.removeArbiter(a.arbiter.address))
        .to.emit(registry, "ArbiterRemoved")
        .withArgs(a.arbiter.address);
      expect(await registry.isArbiter(a.arbiter.address)).to.equal(false);
      // EnumerableSet moves the last member into the removed slot.
      expect(await registry.arbiters()).to.deep.equal([a.arbiter3.address, a.arbiter2.address]);
      await registry.addArbiter(a.arbiter.address, PROFILE);
      expect(await registry.arbiters()).to.deep.equal([a.arbiter3.address, a.arbiter2.address, a.arbiter.address]);
    });

    it("reverts with NotArbiter for an account outside the set", async function () {
      const { registry, a } = await networkHelpers.loadFixture(deployed);
      await expect(registry.removeArbiter(a.outsider.address))
        .to.be.revertedWithCustomError(registry, "NotArbiter")
        .withArgs(a.outsider.address);
    });

    it("is refused to every account but the timelock", async function () {
      const { registry, others, a } = await networkHelpers.loadFixture(deployed);
      await expectAdminOnly(registry, others, (r) => r.removeArbiter(a.arbiter.address));
    });
  });

  describe("setPaymentToken / isPaymentToken", function () {
    it("accepts and refuses a token; ETH (the zero address) is always accepted", async function () {
      const { registry, a, usd } = await networkHelpers.loadFixture(deployed);
      const token = a.other.address;
      expect(await registry.isPaymentToken(token)).to.equal(false);
      expect(await registry.isPaymentToken(ZeroAddress)).to.equal(true);
      await expect(registry.setPaymentToken(token, true)).to.emit(registry, "PaymentTokenSet").withArgs(token, true);
      expect(await registry.isPaymentToken(token)).to.equal(true);
      await expect(registry.setPaymentToken(usd, false)).to.emit(registry, "PaymentTokenSet").withArgs(usd, false);
      expect(await registry.isPaymentToken(usd)).to.equal(false);
    });

    it("reverts with ZeroAddress for the zero address", async function () {
      const { registry } = await networkHelpers.loadFixture(deployed);
      await expect(registry.setPaymentToken(ZeroAddress, false)).to.be.revertedWithCustomError(registry, "ZeroAddress");
    });

    it("is refused to every account but the timelock", async function () {
      const { registry, others, a } = await networkHelpers.loadFixture(deployed);
      await expectAdminOnly(registry, others, (r) => r.setPaymentToken(a.other.address, true));
    });
  });

  describe("escrowTerms", function () {
    it("returns the current parameters for allowed parties, an active arbiter and an accepted token", async function () {
      const { registry, a, usd } = await networkHelpers.loadFixture(deployed);
      for (const token of [ZeroAddress, usd]) {
        expect(await registry.escrowTerms(a.buyer.address, a.seller.address, a.arbiter.address, token)).to.deep.equal(
          tuple(DEV_PARAMS),
        );
      }
    });

    it("reverts with AccountIsDenied for a denied payer or payee", async function () {
      const { registry, a } = await networkHelpers.loadFixture(deployed);
      await registry.deny(a.buyer.address, REASON);
      await expect(registry.escrowTerms(a.buyer.address, a.seller.address, a.arbiter.address, ZeroAddress))
        .to.be.revertedWithCustomError(registry, "AccountIsDenied")
        .withArgs(a.buyer.address);
      await registry.allow(a.buyer.address, REASON);
      await registry.deny(a.seller.address, REASON);
      await expect(registry.escrowTerms(a.buyer.address, a.seller.address, a.arbiter.address, ZeroAddress))
        .to.be.revertedWithCustomError(registry, "AccountIsDenied")
        .withArgs(a.seller.address);
    });

    it("reverts with the arbiter's refusal: NotArbiter, AccountIsDenied, InsufficientArbiterStake", async function () {
      const { registry, a } = await networkHelpers.loadFixture(deployed);
      const terms = (arbiter: string) => registry.escrowTerms(a.buyer.address, a.seller.address, arbiter, ZeroAddress);
      await expect(terms(a.outsider.address))
        .to.be.revertedWithCustomError(registry, "NotArbiter")
        .withArgs(a.outsider.address);
      await registry.deny(a.arbiter.address, REASON);
      await expect(terms(a.arbiter.address))
        .to.be.revertedWithCustomError(registry, "AccountIsDenied")
        .withArgs(a.arbiter.address);
      await registry.setMinArbiterStake(1_000n * STOA + 1n);
      await expect(terms(a.arbiter2.address))
        .to.be.revertedWithCustomError(registry, "InsufficientArbiterStake")
        .withArgs(a.arbiter2.address, 1_000n * STOA, 1_000n * STOA + 1n);
    });

    it("reverts with ArbiterIsParty when the arbiter is the payer or the payee", async function () {
      const { registry, a } = await networkHelpers.loadFixture(deployed);
      await expect(registry.escrowTerms(a.arbiter.address, a.seller.address, a.arbiter.address, ZeroAddress))
        .to.be.revertedWithCustomError(registry, "ArbiterIsParty")
        .withArgs(a.arbiter.address);
      await expect(registry.escrowTerms(a.buyer.address, a.arbiter.address, a.arbiter.address, ZeroAddress))
        .to.be.revertedWithCustomError(registry, "ArbiterIsParty")
        .withArgs(a.arbiter.address);
    });

    it("reverts with PaymentTokenNotAllowed for a token that is not accepted", async function () {
      const { registry, a, usd } = await networkHelpers.loadFixture(deployed);
      await registry.setPaymentToken(usd, false);
      await expect(registry.escrowTerms(a.buyer.address, a.seller.address, a.arbiter.address, usd))
        .to.be.revertedWithCustomError(registry, "PaymentTokenNotAllowed")
        .withArgs(usd);
    });
  });

  describe("saleTerms", function () {
    it("returns the protocol fee for allowed parties in ETH or an accepted token", async function () {
      const { registry, a, usd } = await networkHelpers.loadFixture(deployed);
      await registry.setProtocolFee(250n);
      expect(await registry.saleTerms(a.buyer.address, a.seller.address, ZeroAddress)).to.equal(250n);
      expect(await registry.saleTerms(a.buyer.address, a.seller.address, usd)).to.equal(250n);
    });

    it("reverts with AccountIsDenied for a denied buyer or seller", async function () {
      const { registry, a } = await networkHelpers.loadFixture(deployed);
      await registry.deny(a.buyer.address, REASON);
      await expect(registry.saleTerms(a.buyer.address, a.seller.address, ZeroAddress))
        .to.be.revertedWithCustomError(registry, "AccountIsDenied")
        .withArgs(a.buyer.address);
      await expect(registry.saleTerms(a.seller.address, a.buyer.address, ZeroAddress))
        .to.be.revertedWithCustomError(registry, "AccountIsDenied")
        .withArgs(a.buyer.address);
    });

    it("reverts with PaymentTokenNotAllowed for a token that is not accepted", async function () {
      const { registry, a } = await networkHelpers.loadFixture(deployed);
      await expect(registry.saleTerms(a.buyer.address, a.seller.address, a.other.address))
        .to.be.revertedWithCustomError(registry, "PaymentTokenNotAllowed")
        .withArgs(a.other.address);
    });
  });

  describe("requireActiveArbiter", function () {
    it("passes for an arbiter of the set, allowed, with the minimum stake", async function () {
      const { registry, a } = await networkHelpers.loadFixture(deployed);
      await registry.requireActiveArbiter(a.arbiter.address);
      await registry.setMinArbiterStake(1_000n * STOA);
      await registry.requireActiveArbiter(a.arbiter3.address);
    });

    it("reverts with NotArbiter outside the set, also after a removal", async function () {
      const { registry, a } = await networkHelpers.loadFixture(deployed);
      await expect(registry.requireActiveArbiter(a.outsider.address))
        .to.be.revertedWithCustomError(registry, "NotArbiter")
        .withArgs(a.outsider.address);
      await registry.removeArbiter(a.arbiter.address);
      await expect(registry.requireActiveArbiter(a.arbiter.address))
        .to.be.revertedWithCustomError(registry, "NotArbiter")
        .withArgs(a.arbiter.address);
    });

    it("reverts with AccountIsDenied for a denied arbiter", async function () {
      const { registry, a } = await networkHelpers.loadFixture(deployed);
      await registry.deny(a.arbiter.address, REASON);
      await expect(registry.requireActiveArbiter(a.arbiter.address))
        .to.be.revertedWithCustomError(registry, "AccountIsDenied")
        .withArgs(a.arbiter.address);
    });

    it("reverts with InsufficientArbiterStake below the minimum, or while unbonding", async function () {
      const { registry, stoa, a } = await networkHelpers.loadFixture(deployed);
      await registry.addArbiter(a.outsider.address, PROFILE);
      await expect(registry.requireActiveArbiter(a.outsider.address))
        .to.be.revertedWithCustomError(registry, "InsufficientArbiterStake")
        .withArgs(a.outsider.address, 0n, 1_000n * STOA);
      await stoa.stakingVault.connect(a.arbiter).requestUnbonding();
      await expect(registry.requireActiveArbiter(a.arbiter.address))
        .to.be.revertedWithCustomError(registry, "InsufficientArbiterStake")
        .withArgs(a.arbiter.address, 0n, 1_000n * STOA);
      await stoa.stakingVault.connect(a.arbiter).cancelUnbonding();
      await registry.requireActiveArbiter(a.arbiter.address);
    });

    it("does not ask the vault when the minimum stake is zero", async function () {
      const { a } = await networkHelpers.loadFixture(deployed);
      // The vault is an account without code: any call to it would revert.
      const registry = await ethers.deployContract("StoaRegistry", [
        a.deployer.address,
        a.other.address,
        a.deployer.address,
        { ...DEV_PARAMS, minArbiterStake: 0n },
        [a.arbiter.address],
        [],
      ]);
      await registry.requireActiveArbiter(a.arbiter.address);
      expect(
        await registry.escrowTerms(a.buyer.address, a.seller.address, a.arbiter.address, ZeroAddress),
      ).to.deep.equal(tuple({ ...DEV_PARAMS, minArbiterStake: 0n }));
      await registry.setMinArbiterStake(1n);
      await expect(registry.requireActiveArbiter(a.arbiter.address)).to.be.revertedWithoutReason(ethers);
    });
  });
});
