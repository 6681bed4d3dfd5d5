import { expect } from "chai";
import { id, parseEther, Signature, verifyTypedData, ZeroAddress, type Signer } from "ethers";
import { network } from "hardhat";
import { DEV_ACCOUNTS, DEV_MIN_ARBITER_STAKE, DEV_STOA_EACH } from "../../ignition/modules/StoaDev.ts";
import { DEFAULT_SETTINGS } from "../../ignition/suite.js";
import type { StoaToken } from "../../types/ethers-contracts/index.js";
import { deployStoa, devAccounts, signPermit } from "../helpers/stoa.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

const MINTER_ROLE = id("MINTER_ROLE");
const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const CAP = DEFAULT_SETTINGS.supplyCap;
const TOTAL_DEV_SUPPLY = DEV_STOA_EACH * BigInt(DEV_ACCOUNTS);

async function deployed() {
  const stoa = await deployStoa(connection);
  const a = await devAccounts(ethers);
  const timelockAddress = await stoa.timelock.getAddress();
  await networkHelpers.impersonateAccount(timelockAddress);
  await networkHelpers.setBalance(timelockAddress, parseEther("10"));
  const timelock = await ethers.getSigner(timelockAddress);
  return { stoa, a, token: stoa.token, timelock };
}

async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

async function permitDomain(token: StoaToken) {
  return { name: "Stoa", version: "1", chainId: 31337n, verifyingContract: await token.getAddress() };
}

const DELEGATION_TYPES = {
  Delegation: [
    { name: "delegatee", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint256" },
  ],
};

describe("StoaToken", function () {
  describe("constructor", function () {
    it("reverts with CapAboveVotesLimit for a cap ERC20Votes cannot checkpoint", async function () {
      const [admin] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("StoaToken");
      const limit = 2n ** 208n - 1n;
      await expect(factory.deploy(admin!.address, limit + 1n, [], []))
        .to.be.revertedWithCustomError(factory, "CapAboveVotesLimit")
        .withArgs(limit + 1n, limit);
    });

    it("reverts with ZeroAddress for a zero admin", async function () {
      const factory = await ethers.getContractFactory("StoaToken");
      await expect(factory.deploy(ZeroAddress, 1_000n, [], [])).to.be.revertedWithCustomError(factory, "ZeroAddress");
    });

    it("mints the initial distribution and gives the admin DEFAULT_ADMIN_ROLE and MINTER_ROLE", async function () {
      const [admin, alice, bob] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("StoaToken");
      const token = await factory.deploy(admin!.address, 1_000n, [alice!.address, bob!.address], [300n, 200n]);
      const deployment = token.deploymentTransaction()!;
      await expect(deployment).to.emit(token, "Transfer").withArgs(ZeroAddress, alice!.address, 300n);
      await expect(deployment).to.emit(token, "Transfer").withArgs(ZeroAddress, bob!.address, 200n);
      await expect(deployment)
        .to.emit(token, "RoleGranted")
        .withArgs(DEFAULT_ADMIN_ROLE, admin!.address, admin!.address);
      await expect(deployment).to.emit(token, "RoleGranted").withArgs(MINTER_ROLE, admin!.address, admin!.address);
      expect(await token.balanceOf(alice!.address)).to.equal(300n);
      expect(await token.balanceOf(bob!.address)).to.equal(200n);
      expect(await token.balanceOf(admin!.address)).to.equal(0n);
      expect(await token.totalSupply()).to.equal(500n);
      expect(await token.cap()).to.equal(1_000n);
      expect(await token.hasRole(DEFAULT_ADMIN_ROLE, admin!.address)).to.equal(true);
      expect(await token.hasRole(MINTER_ROLE, admin!.address)).to.equal(true);
      expect(await token.hasRole(MINTER_ROLE, alice!.address)).to.equal(false);
      expect(await token.MINTER_ROLE()).to.equal(MINTER_ROLE);
    });

    it("accepts an empty distribution", async function () {
      const [admin] = await ethers.getSigners();
      const token = await ethers.deployContract("StoaToken", [admin!.address, 1_000n, [], []]);
      expect(await token.totalSupply()).to.equal(0n);
    });

    it("reverts with InitialDistributionMismatch when recipients and amounts differ in length", async function () {
      const [admin, alice, bob] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("StoaToken");
      await expect(factory.deploy(admin!.address, 1_000n, [alice!.address, bob!.address], [300n]))
        .to.be.revertedWithCustomError(factory, "InitialDistributionMismatch")
        .withArgs(2n, 1n);
      await expect(factory.deploy(admin!.address, 1_000n, [], [300n]))
        .to.be.revertedWithCustomError(factory, "InitialDistributionMismatch")
        .withArgs(0n, 1n);
    });

    it("reverts with ERC20ExceededCap when the distribution exceeds the cap", async function () {
      const [admin, alice, bob] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("StoaToken");
      await expect(factory.deploy(admin!.address, 1_000n, [alice!.address, bob!.address], [600n, 401n]))
        .to.be.revertedWithCustomError(factory, "ERC20ExceededCap")
        .withArgs(1_001n, 1_000n);
    });

    it("reverts with ERC20InvalidCap for a zero cap", async function () {
      const [admin] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("StoaToken");
      await expect(factory.deploy(admin!.address, 0n, [], []))
        .to.be.revertedWithCustomError(factory, "ERC20InvalidCap")
        .withArgs(0n);
    });

    it("reverts with ERC20InvalidReceiver for a zero recipient", async function () {
      const [admin] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("StoaToken");
      await expect(factory.deploy(admin!.address, 1_000n, [ZeroAddress], [1n]))
        .to.be.revertedWithCustomError(factory, "ERC20InvalidReceiver")
        .withArgs(ZeroAddress);
    });

    it("deploys the dev suite's token with 100,000 STOA for each of the ten dev accounts", async function () {
      const { stoa, token, a } = await networkHelpers.loadFixture(deployed);
      expect(await token.name()).to.equal("Stoa");
      expect(await token.symbol()).to.equal("STOA");
      expect(await token.decimals()).to.equal(18n);
      expect(await token.cap()).to.equal(CAP);
      expect(await token.totalSupply()).to.equal(TOTAL_DEV_SUPPLY);
      const signers = await ethers.getSigners();
      for (let i = 0; i < DEV_ACCOUNTS; ++i) {
        // Dev accounts 7-9 are arbiters and staked the minimum in the vault.
        const staked = i >= 7 ? DEV_MIN_ARBITER_STAKE : 0n;
        expect(await token.balanceOf(signers[i]!.address)).to.equal(DEV_STOA_EACH - staked);
      }
      expect(await token.balanceOf(a.outsider.address)).to.equal(0n);
      expect(await token.balanceOf(await stoa.stakingVault.getAddress())).to.equal(3n * DEV_MIN_ARBITER_STAKE);
    });
  });

  describe("mint", function () {
    it("lets the timelock (MINTER_ROLE) mint to any account", async function () {
      const { token, a, timelock } = await networkHelpers.loadFixture(deployed);
      const amount = parseEther("1234.5");
      const tx = token.connect(timelock).mint(a.outsider.address, amount);
      await expect(tx).to.emit(token, "Transfer").withArgs(ZeroAddress, a.outsider.address, amount);
      await expect(tx).to.changeTokenBalances(ethers, token, [a.outsider, timelock], [amount, 0n]);
      expect(await token.totalSupply()).to.equal(TOTAL_DEV_SUPPLY + amount);
    });

    it("mints up to exactly the cap", async function () {
      const { token, a, timelock } = await networkHelpers.loadFixture(deployed);
      const room = CAP - TOTAL_DEV_SUPPLY;
      await token.connect(timelock).mint(a.outsider.address, room);
      expect(await token.totalSupply()).to.equal(CAP);
      expect(await token.balanceOf(a.outsider.address)).to.equal(room);
    });

    it("reverts with ERC20ExceededCap above the cap", async function () {
      const { token, a, timelock } = await networkHelpers.loadFixture(deployed);
      const room = CAP - TOTAL_DEV_SUPPLY;
      await expect(token.connect(timelock).mint(a.outsider.address, room + 1n))
        .to.be.revertedWithCustomError(token, "ERC20ExceededCap")
        .withArgs(CAP + 1n, CAP);
      await token.connect(timelock).mint(a.outsider.address, room);
      await expect(token.connect(timelock).mint(a.outsider.address, 1n))
        .to.be.revertedWithCustomError(token, "ERC20ExceededCap")
        .withArgs(CAP + 1n, CAP);
    });

    it("reverts with AccessControlUnauthorizedAccount for accounts without MINTER_ROLE", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      for (const account of [a.deployer, a.buyer, a.issuer, a.outsider]) {
        await expect(token.connect(account).mint(account.address, 1n))
          .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
          .withArgs(account.address, MINTER_ROLE);
      }
    });

    it("reverts with ERC20InvalidReceiver when minting to the zero address", async function () {
      const { token, timelock } = await networkHelpers.loadFixture(deployed);
      await expect(token.connect(timelock).mint(ZeroAddress, 1n))
        .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver")
        .withArgs(ZeroAddress);
    });

    it("a new MINTER_ROLE holder granted by the timelock may mint; once revoked it may not", async function () {
      const { token, a, timelock } = await networkHelpers.loadFixture(deployed);
      await expect(token.connect(timelock).grantRole(MINTER_ROLE, a.other.address))
        .to.emit(token, "RoleGranted")
        .withArgs(MINTER_ROLE, a.other.address, timelock.address);
      await expect(token.connect(a.other).mint(a.other.address, 7n)).to.changeTokenBalance(ethers, token, a.other, 7n);
      await token.connect(timelock).revokeRole(MINTER_ROLE, a.other.address);
      await expect(token.connect(a.other).mint(a.other.address, 7n))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
        .withArgs(a.other.address, MINTER_ROLE);
    });

    it("raises the votes of the receiver's delegate and the past total supply", async function () {
      const { token, a, timelock } = await networkHelpers.loadFixture(deployed);
      await token.connect(a.outsider).delegate(a.outsider.address);
      const tx = token.connect(timelock).mint(a.outsider.address, 50n);
      await expect(tx).to.emit(token, "DelegateVotesChanged").withArgs(a.outsider.address, 0n, 50n);
      const minted = await now();
      await time.increase(1);
      expect(await token.getVotes(a.outsider.address)).to.equal(50n);
      expect(await token.getPastTotalSupply(minted - 1n)).to.equal(TOTAL_DEV_SUPPLY);
      expect(await token.getPastTotalSupply(minted)).to.equal(TOTAL_DEV_SUPPLY + 50n);
    });
  });

  describe("ERC-20", function () {
    it("transfer moves balances and emits Transfer", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      const tx = token.connect(a.buyer).transfer(a.outsider.address, 10n);
      await expect(tx).to.emit(token, "Transfer").withArgs(a.buyer.address, a.outsider.address, 10n);
      await expect(tx).to.changeTokenBalances(ethers, token, [a.buyer, a.outsider], [-10n, 10n]);
    });

    it("transfer reverts with ERC20InsufficientBalance and ERC20InvalidReceiver", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      await expect(token.connect(a.outsider).transfer(a.buyer.address, 1n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
        .withArgs(a.outsider.address, 0n, 1n);
      await expect(token.connect(a.buyer).transfer(ZeroAddress, 1n))
        .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver")
        .withArgs(ZeroAddress);
    });

    it("approve and transferFrom spend the allowance; ERC20InsufficientAllowance beyond it", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      await expect(token.connect(a.buyer).approve(a.other.address, 100n))
        .to.emit(token, "Approval")
        .withArgs(a.buyer.address, a.other.address, 100n);
      await expect(
        token.connect(a.other).transferFrom(a.buyer.address, a.outsider.address, 60n),
      ).to.changeTokenBalances(ethers, token, [a.buyer, a.outsider], [-60n, 60n]);
      expect(await token.allowance(a.buyer.address, a.other.address)).to.equal(40n);
      await expect(token.connect(a.other).transferFrom(a.buyer.address, a.outsider.address, 41n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(a.other.address, 40n, 41n);
    });
  });

  describe("permit (EIP-2612)", function () {
    it("exposes the EIP-712 domain of name Stoa, version 1", async function () {
      const { token } = await networkHelpers.loadFixture(deployed);
      const domain = await token.eip712Domain();
      expect(domain.name).to.equal("Stoa");
      expect(domain.version).to.equal("1");
      expect(domain.chainId).to.equal(31337n);
      expect(domain.verifyingContract).to.equal(await token.getAddress());
      expect(await token.DOMAIN_SEPARATOR()).to.equal(
        ethers.TypedDataEncoder.hashDomain({
          name: "Stoa",
          version: "1",
          chainId: 31337n,
          verifyingContract: await token.getAddress(),
        }),
      );
    });

    it("sets the allowance from the owner's signature, spends a nonce and lets the spender pull", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      const value = parseEther("25");
      const deadline = (await now()) + 3600n;
      expect(await token.nonces(a.buyer.address)).to.equal(0n);
      const { v, r, s } = await signPermit(token, a.buyer, a.other.address, value, deadline);
      // Anyone may submit the signed permit.
      await expect(token.connect(a.outsider).permit(a.buyer.address, a.other.address, value, deadline, v, r, s))
        .to.emit(token, "Approval")
        .withArgs(a.buyer.address, a.other.address, value);
      expect(await token.allowance(a.buyer.address, a.other.address)).to.equal(value);
      expect(await token.nonces(a.buyer.address)).to.equal(1n);
      await expect(token.connect(a.other).transferFrom(a.buyer.address, a.other.address, value)).to.changeTokenBalances(
        ethers,
        token,
        [a.buyer, a.other],
        [-value, value],
      );
    });

    it("accepts a permit submitted exactly at its deadline", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      const deadline = (await now()) + 100n;
      const { v, r, s } = await signPermit(token, a.buyer, a.other.address, 5n, deadline);
      await time.setNextBlockTimestamp(deadline);
      await token.permit(a.buyer.address, a.other.address, 5n, deadline, v, r, s);
      expect(await token.allowance(a.buyer.address, a.other.address)).to.equal(5n);
    });

    it("reverts with ERC2612ExpiredSignature after the deadline", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      const deadline = (await now()) + 100n;
      const { v, r, s } = await signPermit(token, a.buyer, a.other.address, 5n, deadline);
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(token.permit(a.buyer.address, a.other.address, 5n, deadline, v, r, s))
        .to.be.revertedWithCustomError(token, "ERC2612ExpiredSignature")
        .withArgs(deadline);
      expect(await token.nonces(a.buyer.address)).to.equal(0n);
    });

    it("reverts with ERC2612InvalidSigner for a permit signed by someone else than the owner", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      const deadline = (await now()) + 100n;
      const permit = { owner: a.buyer.address, spender: a.other.address, value: 5n, nonce: 0n, deadline };
      const { v, r, s } = Signature.from(await a.other.signTypedData(await permitDomain(token), PERMIT_TYPES, permit));
      await expect(token.permit(a.buyer.address, a.other.address, 5n, deadline, v, r, s))
        .to.be.revertedWithCustomError(token, "ERC2612InvalidSigner")
        .withArgs(a.other.address, a.buyer.address);
    });

    it("reverts with ERC2612InvalidSigner when a permit is replayed (its nonce was spent)", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      const deadline = (await now()) + 100n;
      const { v, r, s } = await signPermit(token, a.buyer, a.other.address, 5n, deadline);
      await token.permit(a.buyer.address, a.other.address, 5n, deadline, v, r, s);
      // The replay is checked against nonce 1: the signature recovers to some unrelated address.
      const recovered = verifyTypedData(
        await permitDomain(token),
        PERMIT_TYPES,
        { owner: a.buyer.address, spender: a.other.address, value: 5n, nonce: 1n, deadline },
        Signature.from({ v, r, s }),
      );
      expect(recovered).to.not.equal(a.buyer.address);
      await expect(token.permit(a.buyer.address, a.other.address, 5n, deadline, v, r, s))
        .to.be.revertedWithCustomError(token, "ERC2612InvalidSigner")
        .withArgs(recovered, a.buyer.address);
      expect(await token.nonces(a.buyer.address)).to.equal(1n);
    });

    it("reverts with ERC2612InvalidSigner when the value differs from the signed one", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      const deadline = (await now()) + 100n;
      const { v, r, s } = await signPermit(token, a.buyer, a.other.address, 5n, deadline);
      const recovered = verifyTypedData(
        await permitDomain(token),
        PERMIT_TYPES,
        { owner: a.buyer.address, spender: a.other.address, value: 6n, nonce: 0n, deadline },
        Signature.from({ v, r, s }),
      );
      await expect(token.permit(a.buyer.address, a.other.address, 6n, deadline, v, r, s))
        .to.be.revertedWithCustomError(token, "ERC2612InvalidSigner")
        .withArgs(recovered, a.buyer.address);
      expect(await token.allowance(a.buyer.address, a.other.address)).to.equal(0n);
    });
  });

  describe("votes (ERC20Votes, ERC-6372)", function () {
    it("uses the block timestamp as its clock", async function () {
      const { token } = await networkHelpers.loadFixture(deployed);
      expect(await token.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await token.clock()).to.equal(await now());
      await time.increase(1000);
      expect(await token.clock()).to.equal(await now());
      const block = await ethers.provider.getBlock("latest");
      expect(await token.clock({ blockTag: block!.number })).to.equal(BigInt(block!.timestamp));
    });

    it("has no votes until an account delegates", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      expect(await token.balanceOf(a.buyer.address)).to.equal(DEV_STOA_EACH);
      expect(await token.delegates(a.buyer.address)).to.equal(ZeroAddress);
      expect(await token.getVotes(a.buyer.address)).to.equal(0n);
      expect(await token.numCheckpoints(a.buyer.address)).to.equal(0n);
    });

    it("delegate to self: DelegateChanged, DelegateVotesChanged, a checkpoint at the block timestamp", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      const tx = token.connect(a.buyer).delegate(a.buyer.address);
      await expect(tx).to.emit(token, "DelegateChanged").withArgs(a.buyer.address, ZeroAddress, a.buyer.address);
      await expect(tx).to.emit(token, "DelegateVotesChanged").withArgs(a.buyer.address, 0n, DEV_STOA_EACH);
      const receipt = await (await tx).wait();
      const block = await ethers.provider.getBlock(receipt!.blockNumber);
      expect(await token.delegates(a.buyer.address)).to.equal(a.buyer.address);
      expect(await token.getVotes(a.buyer.address)).to.equal(DEV_STOA_EACH);
      expect(await token.numCheckpoints(a.buyer.address)).to.equal(1n);
      const checkpoint = await token.checkpoints(a.buyer.address, 0);
      expect(checkpoint._key).to.equal(BigInt(block!.timestamp));
      expect(checkpoint._value).to.equal(DEV_STOA_EACH);
    });

    it("delegate to another account gives it the votes; redelegating moves them", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      await token.connect(a.buyer).delegate(a.other.address);
      expect(await token.getVotes(a.other.address)).to.equal(DEV_STOA_EACH);
      expect(await token.getVotes(a.buyer.address)).to.equal(0n);
      const tx = token.connect(a.buyer).delegate(a.seller.address);
      await expect(tx).to.emit(token, "DelegateChanged").withArgs(a.buyer.address, a.other.address, a.seller.address);
      await expect(tx).to.emit(token, "DelegateVotesChanged").withArgs(a.other.address, DEV_STOA_EACH, 0n);
      await expect(tx).to.emit(token, "DelegateVotesChanged").withArgs(a.seller.address, 0n, DEV_STOA_EACH);
      expect(await token.getVotes(a.other.address)).to.equal(0n);
      expect(await token.getVotes(a.seller.address)).to.equal(DEV_STOA_EACH);
    });

    it("getPastVotes and getPastTotalSupply read the checkpoints by timestamp", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      const start = await now();
      await time.setNextBlockTimestamp(start + 10n);
      await token.connect(a.buyer).delegate(a.buyer.address);
      await time.setNextBlockTimestamp(start + 20n);
      await token.connect(a.buyer).transfer(a.outsider.address, parseEther("40000"));
      await time.setNextBlockTimestamp(start + 30n);
      await token.connect(a.seller).transfer(a.buyer.address, parseEther("5000"));
      await time.increase(1);
      expect(await token.getPastVotes(a.buyer.address, start + 9n)).to.equal(0n);
      expect(await token.getPastVotes(a.buyer.address, start + 10n)).to.equal(DEV_STOA_EACH);
      expect(await token.getPastVotes(a.buyer.address, start + 19n)).to.equal(DEV_STOA_EACH);
      expect(await token.getPastVotes(a.buyer.address, start + 20n)).to.equal(parseEther("60000"));
      expect(await token.getPastVotes(a.buyer.address, start + 30n)).to.equal(parseEther("65000"));
      expect(await token.getVotes(a.buyer.address)).to.equal(parseEther("65000"));
      expect(await token.getPastTotalSupply(start)).to.equal(TOTAL_DEV_SUPPLY);
    });

    it("getPastVotes and getPastTotalSupply revert with ERC5805FutureLookup at or after the current time", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      const current = await now();
      await expect(token.getPastVotes(a.buyer.address, current))
        .to.be.revertedWithCustomError(token, "ERC5805FutureLookup")
        .withArgs(current, current);
      await expect(token.getPastTotalSupply(current + 5n))
        .to.be.revertedWithCustomError(token, "ERC5805FutureLookup")
        .withArgs(current + 5n, current);
    });

    it("transfers move votes between delegates", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      await token.connect(a.buyer).delegate(a.buyer.address);
      await token.connect(a.seller).delegate(a.other.address);
      const amount = parseEther("1500");
      const tx = token.connect(a.buyer).transfer(a.seller.address, amount);
      await expect(tx)
        .to.emit(token, "DelegateVotesChanged")
        .withArgs(a.buyer.address, DEV_STOA_EACH, DEV_STOA_EACH - amount);
      await expect(tx)
        .to.emit(token, "DelegateVotesChanged")
        .withArgs(a.other.address, DEV_STOA_EACH, DEV_STOA_EACH + amount);
      expect(await token.getVotes(a.buyer.address)).to.equal(DEV_STOA_EACH - amount);
      expect(await token.getVotes(a.other.address)).to.equal(DEV_STOA_EACH + amount);
      expect(await token.getVotes(a.seller.address)).to.equal(0n);
    });

    it("a transfer to an account that has not delegated takes the votes out of play", async function () {
      const { token, a } = await networkHelpers.loadFixture(deployed);
      await token.connect(a.buyer).delegate(a.buyer.address);
      const tx = token.connect(a.buyer).transfer(a.outsider.address, 10n);
      await expect(tx)
        .to.emit(token, "DelegateVotesChanged")
        .withArgs(a.buyer.address, DEV_STOA_EACH, DEV_STOA_EACH - 10n);
      expect(await token.getVotes(a.buyer.address)).to.equal(DEV_STOA_EACH - 10n);
      expect(await token.getVotes(a.outsider.address)).to.equal(0n);
      // Delegating later brings the received balance into play.
      await token.connect(a.outsider).delegate(a.outsider.address);
      expect(await token.getVotes(a.outsider.address)).to.equal(10n);
    });

    describe("delegateBySig", function () {
      async function signDelegation(
        token: StoaToken,
        signer: Signer,
        delegatee: string,
        nonce: bigint,
        expiry: bigint,
      ) {
        const verifyingContract = await token.getAddress();
        const signature = await signer.signTypedData(
          { name: "Stoa", version: "1", chainId: 31337n, verifyingContract },
          DELEGATION_TYPES,
          { delegatee, nonce, expiry },
        );
        return Signature.from(signature);
      }

      it("delegates in the signer's name and spends its nonce", async function () {
        const { token, a } = await networkHelpers.loadFixture(deployed);
        const expiry = (await now()) + 100n;
        const { v, r, s } = await signDelegation(token, a.buyer, a.other.address, 0n, expiry);
        await expect(token.connect(a.outsider).delegateBySig(a.other.address, 0n, expiry, v, r, s))
          .to.emit(token, "DelegateChanged")
          .withArgs(a.buyer.address, ZeroAddress, a.other.address);
        expect(await token.delegates(a.buyer.address)).to.equal(a.other.address);
        expect(await token.getVotes(a.other.address)).to.equal(DEV_STOA_EACH);
        expect(await token.nonces(a.buyer.address)).to.equal(1n);
      });

      it("reverts with VotesExpiredSignature after the expiry", async function () {
        const { token, a } = await networkHelpers.loadFixture(deployed);
        const expiry = (await now()) + 100n;
        const { v, r, s } = await signDelegation(token, a.buyer, a.other.address, 0n, expiry);
        await time.setNextBlockTimestamp(expiry + 1n);
        await expect(token.delegateBySig(a.other.address, 0n, expiry, v, r, s))
          .to.be.revertedWithCustomError(token, "VotesExpiredSignature")
          .withArgs(expiry);
      });

      it("reverts with InvalidAccountNonce for a nonce already spent (permits share the nonce)", async function () {
        const { token, a } = await networkHelpers.loadFixture(deployed);
        const expiry = (await now()) + 100n;
        const permit = await signPermit(token, a.buyer, a.other.address, 1n, expiry);
        await token.permit(a.buyer.address, a.other.address, 1n, expiry, permit.v, permit.r, permit.s);
        const { v, r, s } = await signDelegation(token, a.buyer, a.other.address, 0n, expiry);
        await expect(token.delegateBySig(a.other.address, 0n, expiry, v, r, s))
          .to.be.revertedWithCustomError(token, "InvalidAccountNonce")
          .withArgs(a.buyer.address, 1n);
      });
    });
  });

  describe("supportsInterface", function () {
    it("supports ERC-165 and AccessControl, not a random id", async function () {
      const { token } = await networkHelpers.loadFixture(deployed);
      expect(await token.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await token.supportsInterface("0x7965db0b")).to.equal(true);
      expect(await token.supportsInterface("0xffffffff")).to.equal(false);
      expect(await token.supportsInterface("0x12345678")).to.equal(false);
    });
  });
});
