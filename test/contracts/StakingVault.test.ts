/**
 * StakingVault: the ERC-4626 vault over StoaToken where arbiters stake. The dev deployment starts
 * with arbiters 7-9 holding 1,000 STOA each (3,000 STOA, 3,000,000 sSTOA: the decimals offset of 3
 * makes one STOA wei worth 1,000 share wei while the price is one).
 */
import { expect } from "chai";
import { network } from "hardhat";
import { id, ZeroAddress, ZeroHash } from "ethers";
import { DEV_PARAMETERS, deployStoa, devAccounts } from "../helpers/stoa.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const ADMIN_ROLE = ZeroHash;
const SLASHER_ROLE = id("SLASHER_ROLE");
const STOA = 10n ** 18n;
/** One STOA in shares while the share price is one. */
const SHARES_PER_STOA = 10n ** 21n;
const ARBITER_STAKE = 1_000n * STOA;
const UNBONDING = DEV_PARAMETERS.unbondingPeriod;
const MAX_UNBONDING = 90n * 24n * 3600n;
const REASON = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

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
  // Accounts that hold no role: the governor (it acts only through the timelock), the deployer,
  // a user, an arbiter.
  const others = [await impersonate(await stoa.governor.getAddress()), a.deployer, a.outsider, a.arbiter2];
  const vault = stoa.stakingVault;
  const vaultAddress = await vault.getAddress();
  for (const account of [a.buyer, a.seller, a.other]) {
    await stoa.token.connect(account).approve(vaultAddress, 100_000n * STOA);
  }
  return { stoa, a, dao, others, vault, vaultAddress, token: stoa.token };
}

/** A deposit of `assets` by buyer, unbonded and ready to withdraw. */
async function unbondedDeposit() {
  const fixture = await networkHelpers.loadFixture(deployed);
  const { vault, a } = fixture;
  await vault.connect(a.buyer).deposit(500n * STOA, a.buyer.address);
  await vault.connect(a.buyer).requestUnbonding();
  await networkHelpers.time.increase(UNBONDING);
  return fixture;
}

async function nextTimestamp(): Promise<bigint> {
  const next = BigInt(await networkHelpers.time.latest()) + 10n;
  await networkHelpers.time.setNextBlockTimestamp(next);
  return next;
}

describe("StakingVault", function () {
  describe("constructor", function () {
    it("wires the dev deployment: StoaToken, timelock roles, one-hour unbonding, the arbiters' stakes", async function () {
      const { vault, token, dao, a } = await networkHelpers.loadFixture(deployed);
      expect(await vault.asset()).to.equal(await token.getAddress());
      expect(await vault.name()).to.equal("Staked Stoa");
      expect(await vault.symbol()).to.equal("sSTOA");
      expect(await vault.decimals()).to.equal(21n);
      expect(await vault.unbondingPeriod()).to.equal(UNBONDING);
      expect(await vault.MAX_UNBONDING_PERIOD()).to.equal(MAX_UNBONDING);
      expect(await vault.SLASHER_ROLE()).to.equal(SLASHER_ROLE);
      expect(await vault.hasRole(ADMIN_ROLE, dao.address)).to.equal(true);
      expect(await vault.hasRole(SLASHER_ROLE, dao.address)).to.equal(true);
      expect(await vault.hasRole(ADMIN_ROLE, a.deployer.address)).to.equal(false);
      expect(await vault.hasRole(SLASHER_ROLE, a.deployer.address)).to.equal(false);
      expect(await vault.totalAssets()).to.equal(3n * ARBITER_STAKE);
      expect(await vault.totalSupply()).to.equal(3_000n * SHARES_PER_STOA);
      for (const arbiter of [a.arbiter, a.arbiter2, a.arbiter3]) {
        expect(await vault.balanceOf(arbiter.address)).to.equal(1_000n * SHARES_PER_STOA);
        expect(await vault.stakeOf(arbiter.address)).to.deep.equal([ARBITER_STAKE, 0n]);
      }
    });

    it("emits the initial unbonding period and grants both roles to the admin", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      const vault = await ethers.deployContract("StakingVault", [await token.getAddress(), a.other.address, 7_200n]);
      await expect(vault.deploymentTransaction()).to.emit(vault, "UnbondingPeriodUpdated").withArgs(0n, 7_200n);
      expect(await vault.hasRole(ADMIN_ROLE, a.other.address)).to.equal(true);
      expect(await vault.hasRole(SLASHER_ROLE, a.other.address)).to.equal(true);
      expect(await vault.unbondingPeriod()).to.equal(7_200n);
    });

    it("reverts with ZeroAddress for a zero admin and UnbondingPeriodTooLong above 90 days", async function () {
      const { vault, token, a } = await networkHelpers.loadFixture(deployed);
      const asset = await token.getAddress();
      await expect(
        ethers.deployContract("StakingVault", [asset, ZeroAddress, UNBONDING]),
      ).to.be.revertedWithCustomError(vault, "ZeroAddress");
      await expect(ethers.deployContract("StakingVault", [asset, a.other.address, MAX_UNBONDING + 1n]))
        .to.be.revertedWithCustomError(vault, "UnbondingPeriodTooLong")
        .withArgs(MAX_UNBONDING + 1n);
    });
  });

  describe("deposit", function () {
    it("takes the assets, mints shares at the current price and adds to the receiver's principal", async function () {
      const { vault, vaultAddress, token, a } = await networkHelpers.loadFixture(deployed);
      const tx = vault.connect(a.buyer).deposit(500n * STOA, a.buyer.address);
      await expect(tx)
        .to.emit(vault, "Deposit")
        .withArgs(a.buyer.address, a.buyer.address, 500n * STOA, 500n * SHARES_PER_STOA);
      await expect(tx).to.changeTokenBalances(ethers, token, [a.buyer, vaultAddress], [-500n * STOA, 500n * STOA]);
      expect(await vault.balanceOf(a.buyer.address)).to.equal(500n * SHARES_PER_STOA);
      expect(await vault.stakeOf(a.buyer.address)).to.deep.equal([500n * STOA, 0n]);
      expect(await vault.arbiterStake(a.buyer.address)).to.equal(500n * STOA);
      expect(await vault.totalAssets()).to.equal(3_500n * STOA);
    });

    it("credits shares and principal to the receiver, not the caller", async function () {
      const { vault, a } = await networkHelpers.loadFixture(deployed);
      await expect(vault.connect(a.buyer).deposit(20n * STOA, a.arbiter.address))
        .to.emit(vault, "Deposit")
        .withArgs(a.buyer.address, a.arbiter.address, 20n * STOA, 20n * SHARES_PER_STOA);
      expect(await vault.stakeOf(a.buyer.address)).to.deep.equal([0n, 0n]);
      expect(await vault.stakeOf(a.arbiter.address)).to.deep.equal([ARBITER_STAKE + 20n * STOA, 0n]);
      expect(await vault.arbiterStake(a.arbiter.address)).to.equal(ARBITER_STAKE + 20n * STOA);
    });

    it("mints fewer shares per STOA once rewards raised the price", async function () {
      const { vault, a } = await networkHelpers.loadFixture(deployed);
      await vault.connect(a.seller).addRewards(3_000n * STOA); // price two: 6,000 STOA for 3,000,000 sSTOA
      // shares = assets * (supply + 1e3) / (totalAssets + 1), rounded down
      const expected = (10n * STOA * (3_000n * SHARES_PER_STOA + 1_000n)) / (6_000n * STOA + 1n);
      expect(expected).to.equal(5n * SHARES_PER_STOA);
      await expect(vault.connect(a.buyer).deposit(10n * STOA, a.buyer.address))
        .to.emit(vault, "Deposit")
        .withArgs(a.buyer.address, a.buyer.address, 10n * STOA, expected);
      expect(await vault.stakeOf(a.buyer.address)).to.deep.equal([10n * STOA, 0n]);
    });

    it("reverts with the token's ERC20InsufficientAllowance without an allowance", async function () {
      const { vault, vaultAddress, token, a } = await networkHelpers.loadFixture(deployed);
      await expect(vault.connect(a.creator).deposit(STOA, a.creator.address))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(vaultAddress, 0n, STOA);
    });
  });

  describe("mint", function () {
    it("takes the assets the shares cost and adds them to the principal", async function () {
      const { vault, vaultAddress, token, a } = await networkHelpers.loadFixture(deployed);
      const tx = vault.connect(a.buyer).mint(7n * SHARES_PER_STOA, a.seller.address);
      await expect(tx)
        .to.emit(vault, "Deposit")
        .withArgs(a.buyer.address, a.seller.address, 7n * STOA, 7n * SHARES_PER_STOA);
      await expect(tx).to.changeTokenBalances(ethers, token, [a.buyer, vaultAddress], [-7n * STOA, 7n * STOA]);
      expect(await vault.balanceOf(a.seller.address)).to.equal(7n * SHARES_PER_STOA);
      expect(await vault.stakeOf(a.seller.address)).to.deep.equal([7n * STOA, 0n]);
    });

    it("rounds the assets up once rewards raised the price", async function () {
      const { vault, a } = await networkHelpers.loadFixture(deployed);
      await vault.connect(a.seller).addRewards(1_000n * STOA); // 4,000 STOA for 3,000,000 sSTOA
      // assets = ceil(1,000 * (4,000e18 + 1) / (3,000e21 + 1e3)) = ceil(1.33...) = 2
      await expect(vault.connect(a.buyer).mint(1_000n, a.buyer.address))
        .to.emit(vault, "Deposit")
        .withArgs(a.buyer.address, a.buyer.address, 2n, 1_000n);
      expect(await vault.stakeOf(a.buyer.address)).to.deep.equal([2n, 0n]);
    });
  });

  describe("withdraw", function () {
    it("reverts with ERC4626ExceededMaxWithdraw before a request and during the unbonding period", async function () {
      const { vault, a } = await networkHelpers.loadFixture(deployed);
      await vault.connect(a.buyer).deposit(500n * STOA, a.buyer.address);
      expect(await vault.maxWithdraw(a.buyer.address)).to.equal(0n);
      await expect(vault.connect(a.buyer).withdraw(STOA, a.buyer.address, a.buyer.address))
        .to.be.revertedWithCustomError(vault, "ERC4626ExceededMaxWithdraw")
        .withArgs(a.buyer.address, STOA, 0n);
      const requestedAt = await nextTimestamp();
      await vault.connect(a.buyer).requestUnbonding();
      await networkHelpers.time.setNextBlockTimestamp(requestedAt + UNBONDING - 1n);
      await expect(vault.connect(a.buyer).withdraw(STOA, a.buyer.address, a.buyer.address))
        .to.be.revertedWithCustomError(vault, "ERC4626ExceededMaxWithdraw")
        .withArgs(a.buyer.address, STOA, 0n);
    });

    it("pays out from the end of the unbonding period, burning shares and reducing the principal", async function () {
      const { vault, vaultAddress, token, a } = await networkHelpers.loadFixture(deployed);
      await vault.connect(a.buyer).deposit(500n * STOA, a.buyer.address);
      const requestedAt = await nextTimestamp();
      await vault.connect(a.buyer).requestUnbonding();
      await networkHelpers.time.setNextBlockTimestamp(requestedAt + UNBONDING);
      const tx = vault.connect(a.buyer).withdraw(200n * STOA, a.other.address, a.buyer.address);
      await expect(tx)
        .to.emit(vault, "Withdraw")
        .withArgs(a.buyer.address, a.other.address, a.buyer.address, 200n * STOA, 200n * SHARES_PER_STOA);
      await expect(tx).to.changeTokenBalances(ethers, token, [vaultAddress, a.other], [-200n * STOA, 200n * STOA]);
      expect(await vault.balanceOf(a.buyer.address)).to.equal(300n * SHARES_PER_STOA);
      expect(await vault.stakeOf(a.buyer.address)).to.deep.equal([300n * STOA, requestedAt]);
      expect(await vault.maxWithdraw(a.buyer.address)).to.equal(300n * STOA);
    });

    it("lets a spender with a share allowance withdraw for the owner", async function () {
      const { vault, token, a } = await unbondedDeposit();
      await vault.connect(a.buyer).approve(a.seller.address, 100n * SHARES_PER_STOA);
      await expect(
        vault.connect(a.seller).withdraw(100n * STOA, a.seller.address, a.buyer.address),
      ).to.changeTokenBalance(ethers, token, a.seller, 100n * STOA);
      expect(await vault.allowance(a.buyer.address, a.seller.address)).to.equal(0n);
      expect((await vault.stakeOf(a.buyer.address)).principal).to.equal(400n * STOA);
    });

    it("reverts with ERC4626ExceededMaxWithdraw above the unbonded stake", async function () {
      const { vault, a } = await unbondedDeposit();
      await expect(vault.connect(a.buyer).withdraw(500n * STOA + 1n, a.buyer.address, a.buyer.address))
        .to.be.revertedWithCustomError(vault, "ERC4626ExceededMaxWithdraw")
        .withArgs(a.buyer.address, 500n * STOA + 1n, 500n * STOA);
    });

    it("floors the principal at zero when rewards are withdrawn with it", async function () {
      const { vault, a } = await unbondedDeposit();
      await vault.connect(a.seller).addRewards(350n * STOA); // 3,850 STOA for 3,500,000 sSTOA
      const value = await vault.maxWithdraw(a.buyer.address);
      // 500,000 sSTOA * (3,850e18 + 1) / (3,500e21 + 1e3), rounded down
      expect(value).to.equal((500n * SHARES_PER_STOA * (3_850n * STOA + 1n)) / (3_500n * SHARES_PER_STOA + 1_000n));
      expect(value).to.equal(550n * STOA - 1n);
      await vault.connect(a.buyer).withdraw(value, a.buyer.address, a.buyer.address);
      expect((await vault.stakeOf(a.buyer.address)).principal).to.equal(0n);
    });
  });

  describe("redeem", function () {
    it("reverts with ERC4626ExceededMaxRedeem before a request and during the unbonding period", async function () {
      const { vault, a } = await networkHelpers.loadFixture(deployed);
      await vault.connect(a.buyer).deposit(500n * STOA, a.buyer.address);
      expect(await vault.maxRedeem(a.buyer.address)).to.equal(0n);
      await expect(vault.connect(a.buyer).redeem(SHARES_PER_STOA, a.buyer.address, a.buyer.address))
        .to.be.revertedWithCustomError(vault, "ERC4626ExceededMaxRedeem")
        .withArgs(a.buyer.address, SHARES_PER_STOA, 0n);
      const requestedAt = await nextTimestamp();
      await vault.connect(a.buyer).requestUnbonding();
      await networkHelpers.time.setNextBlockTimestamp(requestedAt + UNBONDING - 1n);
      await expect(vault.connect(a.buyer).redeem(SHARES_PER_STOA, a.buyer.address, a.buyer.address))
        .to.be.revertedWithCustomError(vault, "ERC4626ExceededMaxRedeem")
        .withArgs(a.buyer.address, SHARES_PER_STOA, 0n);
    });

    it("redeems every share after the unbonding period, leaving no principal", async function () {
      const { vault, vaultAddress, token, a } = await unbondedDeposit();
      expect(await vault.maxRedeem(a.buyer.address)).to.equal(500n * SHARES_PER_STOA);
      const tx = vault.connect(a.buyer).redeem(500n * SHARES_PER_STOA, a.buyer.address, a.buyer.address);
      await expect(tx)
        .to.emit(vault, "Withdraw")
        .withArgs(a.buyer.address, a.buyer.address, a.buyer.address, 500n * STOA, 500n * SHARES_PER_STOA);
      await expect(tx).to.changeTokenBalances(ethers, token, [vaultAddress, a.buyer], [-500n * STOA, 500n * STOA]);
      expect(await vault.balanceOf(a.buyer.address)).to.equal(0n);
      expect((await vault.stakeOf(a.buyer.address)).principal).to.equal(0n);
    });

    it("reverts with ERC4626ExceededMaxRedeem above the owner's shares", async function () {
      const { vault, a } = await unbondedDeposit();
      await expect(vault.connect(a.buyer).redeem(500n * SHARES_PER_STOA + 1n, a.buyer.address, a.buyer.address))
        .to.be.revertedWithCustomError(vault, "ERC4626ExceededMaxRedeem")
        .withArgs(a.buyer.address, 500n * SHARES_PER_STOA + 1n, 500n * SHARES_PER_STOA);
    });
  });

  describe("transfer / transferFrom", function () {
    it("reverts with SharesNotTransferable, even with an allowance", async function () {
      const { vault, a } = await networkHelpers.loadFixture(deployed);
      await expect(vault.connect(a.arbiter).transfer(a.buyer.address, 1n)).to.be.revertedWithCustomError(
        vault,
        "SharesNotTransferable",
      );
      await vault.connect(a.arbiter).approve(a.buyer.address, 1n);
      await expect(
        vault.connect(a.buyer).transferFrom(a.arbiter.address, a.buyer.address, 1n),
      ).to.be.revertedWithCustomError(vault, "SharesNotTransferable");
      expect(await vault.balanceOf(a.arbiter.address)).to.equal(1_000n * SHARES_PER_STOA);
    });
  });

  describe("arbiterStake / stakeOf", function () {
    it("is the principal, zero while unbonding and again the principal once the request is cancelled", async function () {
      const { vault, a } = await networkHelpers.loadFixture(deployed);
      expect(await vault.arbiterStake(a.arbiter.address)).to.equal(ARBITER_STAKE);
      expect(await vault.arbiterStake(a.outsider.address)).to.equal(0n);
      const requestedAt = await nextTimestamp();
      await vault.connect(a.arbiter).requestUnbonding();
      expect(await vault.arbiterStake(a.arbiter.address)).to.equal(0n);
      expect(await vault.stakeOf(a.arbiter.address)).to.deep.equal([ARBITER_STAKE, requestedAt]);
      await vault.connect(a.arbiter).cancelUnbonding();
      expect(await vault.arbiterStake(a.arbiter.address)).to.equal(ARBITER_STAKE);
      expect(await vault.stakeOf(a.arbiter.address)).to.deep.equal([ARBITER_STAKE, 0n]);
    });

    it("does not count rewards: the principal stays what was deposited", async function () {
      const { vault, a } = await networkHelpers.loadFixture(deployed);
      await vault.connect(a.seller).addRewards(3_000n * STOA);
      expect(await vault.convertToAssets(await vault.balanceOf(a.arbiter.address))).to.be.greaterThan(ARBITER_STAKE);
      expect(await vault.arbiterStake(a.arbiter.address)).to.equal(ARBITER_STAKE);
    });
  });

  describe("requestUnbonding", function () {
    it("records the request and emits when the account may withdraw", async function () {
      const { vault, a } = await networkHelpers.loadFixture(deployed);
      const requestedAt = await nextTimestamp();
      await expect(vault.connect(a.arbiter).requestUnbonding())
        .to.emit(vault, "UnbondingRequested")
        .withArgs(a.arbiter.address, requestedAt + UNBONDING);
      expect((await vault.stakeOf(a.arbiter.address)).unbondingRequestedAt).to.equal(requestedAt);
      await networkHelpers.time.setNextBlockTimestamp(requestedAt + UNBONDING);
      await networkHelpers.mine();
      expect(await vault.maxWithdraw(a.arbiter.address)).to.equal(ARBITER_STAKE);
    });

    it("reverts with UnbondingAlreadyRequested while a request is pending", async function () {
      const { vault, a } = await networkHelpers.loadFixture(deployed);
      await vault.connect(a.arbiter).requestUnbonding();
      await expect(vault.connect(a.arbiter).requestUnbonding())
        .to.be.revertedWithCustomError(vault, "UnbondingAlreadyRequested")
        .withArgs(a.arbiter.address);
    });

    it("applies a later change of the unbonding period to a pending request", async function () {
      const { vault, dao, a } = await networkHelpers.loadFixture(deployed);
      const requestedAt = await nextTimestamp();
      await vault.connect(a.arbiter).requestUnbonding();
      await vault.connect(dao).setUnbondingPeriod(2n * UNBONDING);
      await networkHelpers.time.setNextBlockTimestamp(requestedAt + UNBONDING);
      await networkHelpers.mine();
      expect(await vault.maxWithdraw(a.arbiter.address)).to.equal(0n);
      await networkHelpers.time.setNextBlockTimestamp(requestedAt + 2n * UNBONDING);
      await networkHelpers.mine();
      expect(await vault.maxWithdraw(a.arbiter.address)).to.equal(ARBITER_STAKE);
    });
  });

  describe("cancelUnbonding", function () {
    it("clears the request and emits UnbondingCancelled; withdrawals wait for a new request", async function () {
      const { vault, a } = await networkHelpers.loadFixture(deployed);
      await vault.connect(a.arbiter).requestUnbonding();
      await networkHelpers.time.increase(UNBONDING);
      await expect(vault.connect(a.arbiter).cancelUnbonding())
        .to.emit(vault, "UnbondingCancelled")
        .withArgs(a.arbiter.address);
      expect(await vault.stakeOf(a.arbiter.address)).to.deep.equal([ARBITER_STAKE, 0n]);
      expect(await vault.maxWithdraw(a.arbiter.address)).to.equal(0n);
      expect(await vault.maxRedeem(a.arbiter.address)).to.equal(0n);
    });

    it("reverts with NoUnbondingRequest without a pending request", async function () {
      const { vault, a } = await networkHelpers.loadFixture(deployed);
      await expect(vault.connect(a.arbiter).cancelUnbonding())
        .to.be.revertedWithCustomError(vault, "NoUnbondingRequest")
        .withArgs(a.arbiter.address);
    });
  });

  describe("addRewards", function () {
    it("takes the tokens, emits RewardsAdded and raises the value of every share", async function () {
      const { vault, vaultAddress, token, a } = await networkHelpers.loadFixture(deployed);
      const shares = await vault.balanceOf(a.arbiter.address);
      expect(await vault.convertToAssets(shares)).to.equal(ARBITER_STAKE);
      const tx = vault.connect(a.seller).addRewards(300n * STOA);
      await expect(tx)
        .to.emit(vault, "RewardsAdded")
        .withArgs(a.seller.address, 300n * STOA);
      await expect(tx).to.changeTokenBalances(ethers, token, [a.seller, vaultAddress], [-300n * STOA, 300n * STOA]);
      expect(await vault.totalAssets()).to.equal(3_300n * STOA);
      // 1,000,000 sSTOA * (3,300e18 + 1) / (3,000e21 + 1e3), rounded down: a tenth more
      expect(await vault.convertToAssets(shares)).to.equal(1_100n * STOA - 1n);
    });

    it("reverts with ZeroAmount for nothing", async function () {
      const { vault, a } = await networkHelpers.loadFixture(deployed);
      await expect(vault.connect(a.seller).addRewards(0n)).to.be.revertedWithCustomError(vault, "ZeroAmount");
    });

    it("reverts with the token's ERC20InsufficientAllowance without an allowance", async function () {
      const { vault, vaultAddress, token, a } = await networkHelpers.loadFixture(deployed);
      await expect(vault.connect(a.creator).addRewards(STOA))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(vaultAddress, 0n, STOA);
    });

    it("is the same as a plain token transfer to the vault, without the event", async function () {
      const { vault, vaultAddress, token, a } = await networkHelpers.loadFixture(deployed);
      await expect(token.connect(a.seller).transfer(vaultAddress, 300n * STOA)).not.to.emit(vault, "RewardsAdded");
      expect(await vault.totalAssets()).to.equal(3_300n * STOA);
      expect(await vault.convertToAssets(await vault.balanceOf(a.arbiter.address))).to.equal(1_100n * STOA - 1n);
    });
  });

  describe("slash", function () {
    it("burns the shares of the assets, sends them to the recipient and reduces the principal", async function () {
      const { vault, vaultAddress, token, dao, stoa, a } = await networkHelpers.loadFixture(deployed);
      const tx = vault.connect(dao).slash(a.arbiter.address, 400n * STOA, dao.address, REASON);
      await expect(tx)
        .to.emit(vault, "Slashed")
        .withArgs(a.arbiter.address, 400n * STOA, 400n * SHARES_PER_STOA, dao.address, REASON);
      await expect(tx).to.changeTokenBalances(ethers, token, [vaultAddress, dao], [-400n * STOA, 400n * STOA]);
      expect(await vault.balanceOf(a.arbiter.address)).to.equal(600n * SHARES_PER_STOA);
      expect(await vault.stakeOf(a.arbiter.address)).to.deep.equal([600n * STOA, 0n]);
      // Below the registry's minimum, the arbiter can take no case.
      await expect(stoa.registry.requireActiveArbiter(a.arbiter.address))
        .to.be.revertedWithCustomError(stoa.registry, "InsufficientArbiterStake")
        .withArgs(a.arbiter.address, 600n * STOA, ARBITER_STAKE);
    });

    it("slashes a stake that is unbonding, down to nothing", async function () {
      const { vault, token, dao, a } = await networkHelpers.loadFixture(deployed);
      await vault.connect(a.arbiter).requestUnbonding();
      await networkHelpers.time.increase(UNBONDING);
      const tx = vault.connect(dao).slash(a.arbiter.address, ARBITER_STAKE, a.other.address, REASON);
      await expect(tx)
        .to.emit(vault, "Slashed")
        .withArgs(a.arbiter.address, ARBITER_STAKE, 1_000n * SHARES_PER_STOA, a.other.address, REASON);
      await expect(tx).to.changeTokenBalance(ethers, token, a.other, ARBITER_STAKE);
      expect(await vault.balanceOf(a.arbiter.address)).to.equal(0n);
      expect((await vault.stakeOf(a.arbiter.address)).principal).to.equal(0n);
      expect(await vault.maxWithdraw(a.arbiter.address)).to.equal(0n);
    });

    it("rounds the burnt shares up and floors the principal at zero when rewards exceed it", async function () {
      const { vault, dao, a } = await networkHelpers.loadFixture(deployed);
      await vault.connect(a.seller).addRewards(3_000n * STOA); // price two
      const stake = await vault.convertToAssets(await vault.balanceOf(a.arbiter.address));
      expect(stake).to.equal(2_000n * STOA - 1n);
      const slashed = 1_500n * STOA;
      // shares = ceil(1,500e18 * (3,000e21 + 1e3) / (6,000e18 + 1))
      const supply = 3_000n * SHARES_PER_STOA + 1_000n;
      const assets = 6_000n * STOA + 1n;
      const shares = (slashed * supply + assets - 1n) / assets;
      await expect(vault.connect(dao).slash(a.arbiter.address, slashed, dao.address, REASON))
        .to.emit(vault, "Slashed")
        .withArgs(a.arbiter.address, slashed, shares, dao.address, REASON);
      expect(await vault.balanceOf(a.arbiter.address)).to.equal(1_000n * SHARES_PER_STOA - shares);
      expect((await vault.stakeOf(a.arbiter.address)).principal).to.equal(0n);
    });

    it("reverts with SlashExceedsStake above what the shares are worth", async function () {
      const { vault, dao, a } = await networkHelpers.loadFixture(deployed);
      await expect(vault.connect(dao).slash(a.arbiter.address, ARBITER_STAKE + 1n, dao.address, REASON))
        .to.be.revertedWithCustomError(vault, "SlashExceedsStake")
        .withArgs(a.arbiter.address, ARBITER_STAKE + 1n, ARBITER_STAKE);
      await expect(vault.connect(dao).slash(a.outsider.address, 1n, dao.address, REASON))
        .to.be.revertedWithCustomError(vault, "SlashExceedsStake")
        .withArgs(a.outsider.address, 1n, 0n);
    });

    it("reverts with ZeroAmount and ZeroAddress", async function () {
      const { vault, dao, a } = await networkHelpers.loadFixture(deployed);
      await expect(vault.connect(dao).slash(a.arbiter.address, 0n, dao.address, REASON)).to.be.revertedWithCustomError(
        vault,
        "ZeroAmount",
      );
      await expect(
        vault.connect(dao).slash(a.arbiter.address, STOA, ZeroAddress, REASON),
      ).to.be.revertedWithCustomError(vault, "ZeroAddress");
    });

    it("is refused without SLASHER_ROLE, and allowed to whoever the admin grants it", async function () {
      const { vault, dao, others, a } = await networkHelpers.loadFixture(deployed);
      for (const other of others) {
        await expect(vault.connect(other).slash(a.arbiter.address, STOA, other.address, REASON))
          .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount")
          .withArgs(other.address, SLASHER_ROLE);
      }
      await vault.connect(dao).grantRole(SLASHER_ROLE, a.outsider.address);
      await expect(vault.connect(a.outsider).slash(a.arbiter.address, STOA, a.outsider.address, REASON)).to.emit(
        vault,
        "Slashed",
      );
    });
  });

  describe("setUnbondingPeriod", function () {
    it("sets the period up to 90 days and emits previous and current", async function () {
      const { vault, dao } = await networkHelpers.loadFixture(deployed);
      await expect(vault.connect(dao).setUnbondingPeriod(MAX_UNBONDING))
        .to.emit(vault, "UnbondingPeriodUpdated")
        .withArgs(UNBONDING, MAX_UNBONDING);
      expect(await vault.unbondingPeriod()).to.equal(MAX_UNBONDING);
    });

    it("reverts with UnbondingPeriodTooLong above 90 days", async function () {
      const { vault, dao } = await networkHelpers.loadFixture(deployed);
      await expect(vault.connect(dao).setUnbondingPeriod(MAX_UNBONDING + 1n))
        .to.be.revertedWithCustomError(vault, "UnbondingPeriodTooLong")
        .withArgs(MAX_UNBONDING + 1n);
    });

    it("is refused to every account but the timelock", async function () {
      const { vault, others } = await networkHelpers.loadFixture(deployed);
      for (const other of others) {
        await expect(vault.connect(other).setUnbondingPeriod(0n))
          .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount")
          .withArgs(other.address, ADMIN_ROLE);
      }
    });
  });

  describe("supportsInterface", function () {
    it("supports ERC-165 and IAccessControl, nothing else", async function () {
      const { vault } = await networkHelpers.loadFixture(deployed);
      expect(await vault.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await vault.supportsInterface("0x7965db0b")).to.equal(true);
      expect(await vault.supportsInterface("0x36372b07")).to.equal(false); // IERC20
      expect(await vault.supportsInterface("0xffffffff")).to.equal(false);
    });
  });

  describe("principal", function () {
    it("never exceeds what the shares are worth through deposits, rewards, slashes and withdrawals", async function () {
      const { vault, dao, a } = await networkHelpers.loadFixture(deployed);
      const stakers = [a.buyer, a.seller, a.other];
      const check = async () => {
        for (const staker of stakers) {
          const principal = (await vault.stakeOf(staker.address)).principal;
          const value = await vault.convertToAssets(await vault.balanceOf(staker.address));
          // Two roundings down (shares minted, then valued) can cost one wei.
          expect(principal).to.be.lessThanOrEqual(value + 1n);
        }
      };
      await vault.connect(a.buyer).deposit(1_234n * STOA + 7n, a.buyer.address);
      await check();
      await vault.connect(a.seller).addRewards(777n * STOA + 3n);
      await check();
      await vault.connect(a.seller).deposit(333n * STOA + 1n, a.seller.address);
      await vault.connect(a.other).mint(999_999_999n, a.other.address);
      await check();
      await vault.connect(dao).slash(a.seller.address, 100n * STOA + 5n, dao.address, REASON);
      await vault.connect(dao).slash(a.other.address, 1n, dao.address, REASON);
      await check();
      for (const staker of stakers) await vault.connect(staker).requestUnbonding();
      await networkHelpers.time.increase(UNBONDING);
      await vault.connect(a.buyer).withdraw(1_000n * STOA, a.buyer.address, a.buyer.address);
      await vault.connect(a.seller).redeem(await vault.maxRedeem(a.seller.address), a.seller.address, a.seller.address);
      await check();
      expect((await vault.stakeOf(a.seller.address)).principal).to.equal(0n);
    });

    it("keeps a first depositor's donation from stealing the next deposit (virtual shares)", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      const fresh = await ethers.deployContract("StakingVault", [await token.getAddress(), a.deployer.address, 0n]);
      const freshAddress = await fresh.getAddress();
      await token.connect(a.other).approve(freshAddress, 10_000n * STOA);
      await token.connect(a.buyer).approve(freshAddress, 10_000n * STOA);
      await fresh.connect(a.other).deposit(1n, a.other.address);
      await token.connect(a.other).transfer(freshAddress, 10_000n * STOA);
      await fresh.connect(a.buyer).deposit(10_000n * STOA, a.buyer.address);
      const victim = await fresh.convertToAssets(await fresh.balanceOf(a.buyer.address));
      const attacker = await fresh.convertToAssets(await fresh.balanceOf(a.other.address));
      // The victim keeps all but a rounding share; the attacker loses about half its donation.
      expect(victim).to.be.greaterThan(10_000n * STOA - (10_000n * STOA) / 1_000n);
      expect(attacker).to.be.lessThan(10_000n * STOA);
    });
  });
});
