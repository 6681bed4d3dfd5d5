/**
 * Attacks on the marketplace, payments and asset exchange (the contracts issue: "reentrant buyer,
 * seller, arbiter and royalty receiver on every payout path; ERC-20s that return no value or take a
 * fee on transfer; replay of permits and signed orders across orders, chains and after
 * cancellation"). ERC-20 quirks are in Payments.test.ts; this file covers reentrancy and replays.
 *
 * How a reentrant account fares: an ETH push forwards only PUSH_GAS_LIMIT (30,000) gas, too little
 * for ReentrantActor to even load its armed call, so the push runs out of gas, is rolled back and
 * becomes a credit (`attempted` stays false). The account then withdraws with all the gas it wants,
 * and its reentry from `receive` meets the guard. Token hooks and ERC-721 receipts get all the gas,
 * and their reentry meets the guard at once. Each test checks the guard's error, that every balance
 * is exact, and that the call the attacker tried succeeds once made on its own (so the guard, and
 * nothing else, stopped it).
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { id, type Interface, keccak256, MaxUint256, parseEther, toUtf8Bytes, ZeroAddress } from "ethers";
import { network } from "hardhat";
import type { Marketplace, ReentrantActor, ReentrantWallet } from "../../../types/ethers-contracts/index.js";
import {
  type AssetOrder,
  createdOrder,
  DAY,
  deployStoa,
  devAccounts,
  HOUR,
  signAssetOrder,
  signPermit,
} from "../../helpers/stoa.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

const GUARD_ERROR = id("ReentrancyGuardReentrantCall()").slice(0, 10);
const Status = { None: 0n, Funded: 1n, Disputed: 2n, Settled: 3n } as const;
const PRICE = parseEther("1");
const FEE = PRICE / 100n;
const ARBITER_FEE = parseEther("0.03");
const TOKENS = 1_000_000n * 10n ** 18n;
const MIN_STAKE = 1_000n * 10n ** 18n;
const USD_PRICE = 1_000_000n;
const ASSET_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

type Order = Marketplace.OrderStruct & { amount: bigint; deliveryDeadline: bigint };
type Actor = ReentrantActor | ReentrantWallet;

async function impersonate(address: string) {
  await networkHelpers.impersonateAccount(address);
  await networkHelpers.setBalance(address, parseEther("10"));
  return ethers.getSigner(address);
}

async function deployed() {
  const stoa = await deployStoa(connection);
  const a = await devAccounts(ethers);
  const timelock = await impersonate(await stoa.timelock.getAddress());
  const registry = stoa.registry.connect(timelock);
  const market = await stoa.marketplace.getAddress();
  const exchange = await stoa.assetExchange.getAddress();
  const usd = await stoa.devStablecoin.getAddress();
  const hook = await ethers.deployContract("HookToken");
  const hookAddress = await hook.getAddress();
  await registry.setPaymentToken(hookAddress, true);
  await hook.mint(a.buyer.address, TOKENS);
  await hook.connect(a.buyer).approve(market, MaxUint256);
  await hook.connect(a.buyer).approve(exchange, MaxUint256);
  await stoa.devStablecoin.faucet(a.buyer.address, 10_000_000_000n);
  await stoa.stoaAssets.connect(a.creator).setApprovalForAll(exchange, true);

  const actor = await ethers.deployContract("ReentrantActor");
  const actorAddress = await actor.getAddress();
  await hook.mint(actorAddress, TOKENS);
  await stoa.devStablecoin.faucet(actorAddress, 10_000_000_000n);
  for (const spender of [market, exchange]) {
    for (const token of [hookAddress, usd]) {
      await actor.execute(token, 0n, hook.interface.encodeFunctionData("approve", [spender, MaxUint256]));
    }
  }
  return { stoa, a, registry, market, exchange, usd, hook, hookAddress, actor, actorAddress };
}
type Fixture = Awaited<ReturnType<typeof deployed>>;

async function now() {
  return BigInt(await time.latest());
}

interface OrderOptions {
  seller?: string;
  arbiter?: string;
  token?: string;
  deliveryDeadline?: bigint;
}

async function request(f: Fixture, o: OrderOptions = {}): Promise<Marketplace.OrderRequestStruct> {
  return {
    seller: o.seller ?? f.a.seller.address,
    arbiter: o.arbiter ?? f.a.arbiter.address,
    token: o.token ?? ZeroAddress,
    amount: PRICE,
    listingHash: keccak256(toUtf8Bytes("listing-1")),
    deliveryDeadline: o.deliveryDeadline ?? (await now()) + 7n * DAY,
  };
}

async function created(f: Fixture, txHash: string) {
  const c = await createdOrder(f.stoa.marketplace, txHash);
  return { orderId: c.orderId, order: c.order as Order };
}

/** An order bought by the EOA buyer. */
async function buyerOrder(f: Fixture, o: OrderOptions = {}) {
  const req = await request(f, o);
  const value = req.token === ZeroAddress ? PRICE : 0n;
  return created(f, (await f.stoa.marketplace.connect(f.a.buyer).createOrder(req, { value })).hash);
}

/** An order bought by the actor (through `execute`). */
async function actorOrder(f: Fixture, o: OrderOptions = {}) {
  const req = await request(f, o);
  const value = req.token === ZeroAddress ? PRICE : 0n;
  const data = f.stoa.marketplace.interface.encodeFunctionData("createOrder", [req]);
  return created(f, (await f.actor.execute(f.market, value, data, { value })).hash);
}

/** Calldata of a Marketplace function, for `execute` and `arm`. */
function marketCall(f: Fixture, name: string, args: unknown[]) {
  return (f.stoa.marketplace.interface as Interface).encodeFunctionData(name, args);
}

/** The reentry was tried and the guard refused it. */
async function expectGuarded(actor: Actor) {
  expect(await actor.attempted()).to.equal(true);
  expect(await actor.reentrySucceeded()).to.equal(false);
  expect(await actor.reentryError()).to.equal(GUARD_ERROR);
}

/** The ETH push ran out of its 30,000 gas before the actor could re-enter: nothing it did remains. */
async function expectPushStarved(actor: Actor) {
  expect(await actor.attempted()).to.equal(false);
  expect(await actor.received()).to.equal(0n);
}

/** The actor withdraws its ETH credit with all the gas it wants; its reentry meets the guard. */
async function withdrawGuarded(f: Fixture, payments: string, credit: bigint, actor: Actor = f.actor) {
  const actorAddress = await actor.getAddress();
  const withdraw = f.stoa.marketplace.interface.encodeFunctionData("withdraw", [ZeroAddress, actorAddress]);
  const tx = actor.execute(payments, 0n, withdraw);
  await expect(tx).to.changeEtherBalances(ethers, [actorAddress, payments], [credit, -credit]);
  await expectGuarded(actor);
  expect(await actor.received()).to.equal(credit);
  const paymentsContract = payments === f.market ? f.stoa.marketplace : f.stoa.assetExchange;
  expect(await paymentsContract.credits(actorAddress, ZeroAddress)).to.equal(0n);
  await expect(actor.execute(payments, 0n, withdraw))
    .to.be.revertedWithCustomError(paymentsContract, "NothingToWithdraw")
    .withArgs(actorAddress, ZeroAddress);
}

/** Puts `actor` in the arbiter set with the minimum stake. */
async function makeArbiter(f: Fixture) {
  const vault = await f.stoa.stakingVault.getAddress();
  const token = await f.stoa.token.getAddress();
  await f.stoa.token.connect(f.a.deployer).transfer(f.actorAddress, MIN_STAKE);
  await f.actor.execute(token, 0n, f.stoa.token.interface.encodeFunctionData("approve", [vault, MIN_STAKE]));
  await f.actor.execute(
    vault,
    0n,
    f.stoa.stakingVault.interface.encodeFunctionData("deposit", [MIN_STAKE, f.actorAddress]),
  );
  await f.registry.addArbiter(f.actorAddress, "bafy-actor");
}

/** Mints a StoaAssets token to the creator (5% royalty to `royaltyReceiver`) and signs its sale. */
async function listedAsset(
  f: Fixture,
  o: { royaltyReceiver?: string; currency?: string; price?: bigint; seller?: HardhatEthersSigner } = {},
) {
  await f.stoa.stoaAssets.connect(f.a.creator).mint(ASSET_CID, o.royaltyReceiver ?? f.a.other.address, 500n);
  const tokenId = await f.stoa.stoaAssets.totalMinted();
  const order: AssetOrder = {
    seller: f.a.creator.address,
    collection: await f.stoa.stoaAssets.getAddress(),
    tokenId,
    currency: o.currency ?? ZeroAddress,
    price: o.price ?? PRICE,
    nonce: tokenId,
    deadline: (await now()) + DAY,
  };
  return { order, signature: await signAssetOrder(f.a.creator, f.exchange, order) };
}

function fillCall(f: Fixture, listed: { order: AssetOrder; signature: string }) {
  return f.stoa.assetExchange.interface.encodeFunctionData("fill", [listed.order, listed.signature]);
}

describe("Market attacks", function () {
  describe("reentrant buyer", function () {
    it("refund in ETH: the starved push becomes a credit; the withdrawal's reentry into release fails", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const target = await actorOrder(f);
      const other = await actorOrder(f);
      await f.actor.arm(f.market, marketCall(f, "release", [other.orderId, other.order]));
      const tx = f.stoa.marketplace.connect(f.a.seller).refund(target.orderId, target.order);
      await expect(tx).to.emit(f.stoa.marketplace, "Credited").withArgs(f.actorAddress, ZeroAddress, PRICE);
      await expect(tx).to.changeEtherBalances(ethers, [f.actorAddress, f.market], [0n, 0n]);
      await expectPushStarved(f.actor);

      await withdrawGuarded(f, f.market, PRICE);
      expect(await f.stoa.marketplace.orderStatus(other.orderId)).to.deep.equal([Status.Funded, 0n]);
      expect(await ethers.provider.getBalance(f.market)).to.equal(PRICE);
      // On its own, the release the actor tried goes through: only the guard stopped it.
      await expect(f.actor.execute(f.market, 0n, marketCall(f, "release", [other.orderId, other.order]))).to.emit(
        f.stoa.marketplace,
        "OrderSettled",
      );
    });

    it("ruling in ETH: the withdrawal's reentry into withdraw fails and the credit is paid once", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await actorOrder(f);
      await f.actor.execute(f.market, 0n, marketCall(f, "dispute", [orderId, order]));
      await f.actor.arm(f.market, marketCall(f, "withdraw", [ZeroAddress, f.actorAddress]));
      const tx = f.stoa.marketplace.connect(f.a.arbiter).rule(orderId, order, 10_000);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "Credited")
        .withArgs(f.actorAddress, ZeroAddress, PRICE - ARBITER_FEE);
      await expect(tx).to.changeEtherBalances(ethers, [f.a.arbiter, f.actorAddress], [ARBITER_FEE, 0n]);
      await expectPushStarved(f.actor);
      await withdrawGuarded(f, f.market, PRICE - ARBITER_FEE);
      expect(await ethers.provider.getBalance(f.market)).to.equal(0n);
    });

    it("unruled split in ETH: the withdrawal's reentry into resolveUnruled fails", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const target = await actorOrder(f);
      const other = await actorOrder(f);
      await f.actor.execute(f.market, 0n, marketCall(f, "dispute", [target.orderId, target.order]));
      await f.actor.execute(f.market, 0n, marketCall(f, "dispute", [other.orderId, other.order]));
      await time.increase(DAY);
      await f.actor.arm(f.market, marketCall(f, "resolveUnruled", [other.orderId, other.order]));
      const tx = f.stoa.marketplace.connect(f.a.seller).resolveUnruled(target.orderId, target.order);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "Credited")
        .withArgs(f.actorAddress, ZeroAddress, PRICE / 2n);
      await expect(tx).to.changeEtherBalances(ethers, [f.a.seller, f.actorAddress], [PRICE / 2n - FEE / 2n, 0n]);
      await expectPushStarved(f.actor);
      await withdrawGuarded(f, f.market, PRICE / 2n);
      expect((await f.stoa.marketplace.orderStatus(other.orderId))[0]).to.equal(Status.Disputed);
      await expect(
        f.actor.execute(f.market, 0n, marketCall(f, "resolveUnruled", [other.orderId, other.order])),
      ).to.emit(f.stoa.marketplace, "OrderSettled");
    });

    it("refund in a hook token: the token callback re-enters release and fails; the refund is paid once", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const target = await actorOrder(f, { token: f.hookAddress });
      const other = await actorOrder(f, { token: f.hookAddress });
      await f.hook.setHook(f.actorAddress);
      await f.actor.arm(f.market, marketCall(f, "release", [other.orderId, other.order]));
      const tx = f.stoa.marketplace.connect(f.a.seller).refund(target.orderId, target.order);
      await expect(tx).to.changeTokenBalances(ethers, f.hook, [f.actorAddress, f.market], [PRICE, -PRICE]);
      await expect(tx).not.to.emit(f.stoa.marketplace, "Credited");
      await expectGuarded(f.actor);
      expect(await f.stoa.marketplace.orderStatus(other.orderId)).to.deep.equal([Status.Funded, 0n]);
      expect(await f.hook.balanceOf(f.market)).to.equal(PRICE);
    });
  });

  describe("reentrant seller", function () {
    it("release in ETH: the starved push becomes a credit; the withdrawal's reentry into claim fails", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const target = await buyerOrder(f, { seller: f.actorAddress });
      const due = await buyerOrder(f, { seller: f.actorAddress, deliveryDeadline: (await now()) + HOUR + 10n });
      await time.increaseTo(due.order.deliveryDeadline);
      await f.actor.arm(f.market, marketCall(f, "claim", [due.orderId, due.order]));
      const tx = f.stoa.marketplace.connect(f.a.buyer).release(target.orderId, target.order);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "Credited")
        .withArgs(f.actorAddress, ZeroAddress, PRICE - FEE);
      await expectPushStarved(f.actor);
      await withdrawGuarded(f, f.market, PRICE - FEE);
      expect(await f.stoa.marketplace.orderStatus(due.orderId)).to.deep.equal([Status.Funded, 0n]);
      // Left: the due order and one fee.
      expect(await ethers.provider.getBalance(f.market)).to.equal(PRICE + FEE);
      await expect(f.actor.execute(f.market, 0n, marketCall(f, "claim", [due.orderId, due.order]))).to.emit(
        f.stoa.marketplace,
        "OrderSettled",
      );
    });

    it("claim in ETH: the payout of its own claim cannot claim again", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await buyerOrder(f, {
        seller: f.actorAddress,
        deliveryDeadline: (await now()) + HOUR + 10n,
      });
      await time.increaseTo(order.deliveryDeadline);
      const claim = marketCall(f, "claim", [orderId, order]);
      await f.actor.arm(f.market, claim);
      const tx = f.actor.execute(f.market, 0n, claim);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "Credited")
        .withArgs(f.actorAddress, ZeroAddress, PRICE - FEE);
      await expectPushStarved(f.actor);
      await withdrawGuarded(f, f.market, PRICE - FEE);
      expect(await ethers.provider.getBalance(f.market)).to.equal(FEE);
    });

    it("ruling in ETH: the withdrawal's reentry into withdraw fails and the credit is paid once", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await buyerOrder(f, { seller: f.actorAddress });
      await f.stoa.marketplace.connect(f.a.buyer).dispute(orderId, order);
      await f.actor.arm(f.market, marketCall(f, "withdraw", [ZeroAddress, f.actorAddress]));
      // 0% to the buyer: 0.97 to the seller's side, 1% of it (0.0097) as fee.
      const toSeller = parseEther("0.9603");
      const tx = f.stoa.marketplace.connect(f.a.arbiter).rule(orderId, order, 0);
      await expect(tx).to.emit(f.stoa.marketplace, "Credited").withArgs(f.actorAddress, ZeroAddress, toSeller);
      await expectPushStarved(f.actor);
      await withdrawGuarded(f, f.market, toSeller);
      expect(await ethers.provider.getBalance(f.market)).to.equal(parseEther("0.0097"));
    });

    it("release in a hook token: the token callback re-enters claim and fails; the seller is paid once", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const target = await buyerOrder(f, { seller: f.actorAddress, token: f.hookAddress });
      const due = await buyerOrder(f, {
        seller: f.actorAddress,
        token: f.hookAddress,
        deliveryDeadline: (await now()) + HOUR + 10n,
      });
      await time.increaseTo(due.order.deliveryDeadline);
      await f.hook.setHook(f.actorAddress);
      await f.actor.arm(f.market, marketCall(f, "claim", [due.orderId, due.order]));
      const tx = f.stoa.marketplace.connect(f.a.buyer).release(target.orderId, target.order);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.hook,
        [f.actorAddress, f.market],
        [PRICE - FEE, -(PRICE - FEE)],
      );
      await expectGuarded(f.actor);
      expect(await f.stoa.marketplace.orderStatus(due.orderId)).to.deep.equal([Status.Funded, 0n]);
      expect(await f.hook.balanceOf(f.market)).to.equal(PRICE + FEE);
    });
  });

  describe("reentrant arbiter", function () {
    it("ruling fee in ETH: the starved push becomes a credit; the withdrawal's reentry into rule fails", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      await makeArbiter(f);
      const target = await buyerOrder(f, { arbiter: f.actorAddress });
      const other = await buyerOrder(f, { arbiter: f.actorAddress });
      await f.stoa.marketplace.connect(f.a.buyer).dispute(target.orderId, target.order);
      await f.stoa.marketplace.connect(f.a.buyer).dispute(other.orderId, other.order);
      await f.actor.arm(f.market, marketCall(f, "rule", [other.orderId, other.order, 10_000]));
      const tx = f.actor.execute(f.market, 0n, marketCall(f, "rule", [target.orderId, target.order, 5_000]));
      await expect(tx).to.emit(f.stoa.marketplace, "Credited").withArgs(f.actorAddress, ZeroAddress, ARBITER_FEE);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.a.buyer, f.a.seller, f.actorAddress],
        [parseEther("0.485"), parseEther("0.48015"), 0n],
      );
      await expectPushStarved(f.actor);
      await withdrawGuarded(f, f.market, ARBITER_FEE);
      expect((await f.stoa.marketplace.orderStatus(other.orderId))[0]).to.equal(Status.Disputed);
      await expect(f.actor.execute(f.market, 0n, marketCall(f, "rule", [other.orderId, other.order, 10_000]))).to.emit(
        f.stoa.marketplace,
        "OrderSettled",
      );
    });

    it("ruling fee in a hook token: the token callback re-enters rule and fails", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      await makeArbiter(f);
      const target = await buyerOrder(f, { arbiter: f.actorAddress, token: f.hookAddress });
      const other = await buyerOrder(f, { arbiter: f.actorAddress, token: f.hookAddress });
      await f.stoa.marketplace.connect(f.a.buyer).dispute(target.orderId, target.order);
      await f.stoa.marketplace.connect(f.a.buyer).dispute(other.orderId, other.order);
      await f.hook.setHook(f.actorAddress);
      await f.actor.arm(f.market, marketCall(f, "rule", [other.orderId, other.order, 10_000]));
      const tx = f.actor.execute(f.market, 0n, marketCall(f, "rule", [target.orderId, target.order, 5_000]));
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.hook,
        [f.a.buyer, f.a.seller, f.actorAddress, f.market],
        [parseEther("0.485"), parseEther("0.48015"), ARBITER_FEE, -parseEther("0.99515")],
      );
      await expectGuarded(f.actor);
      expect((await f.stoa.marketplace.orderStatus(other.orderId))[0]).to.equal(Status.Disputed);
    });
  });

  describe("reentrant withdraw and sweepFees", function () {
    it("a token credit's withdrawal cannot withdraw again through the token callback", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await buyerOrder(f, { seller: f.actorAddress, token: f.hookAddress });
      await f.hook.setBlocked(f.actorAddress, true);
      await f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      await f.hook.setBlocked(f.actorAddress, false);
      await f.hook.setHook(f.actorAddress);
      const withdraw = marketCall(f, "withdraw", [f.hookAddress, f.actorAddress]);
      await f.actor.arm(f.market, withdraw);
      const tx = f.actor.execute(f.market, 0n, withdraw);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.hook,
        [f.actorAddress, f.market],
        [PRICE - FEE, -(PRICE - FEE)],
      );
      await expectGuarded(f.actor);
      expect(await f.stoa.marketplace.credits(f.actorAddress, f.hookAddress)).to.equal(0n);
      expect(await f.hook.balanceOf(f.market)).to.equal(FEE);
    });

    it("a treasury paid in ETH cannot re-enter sweepFees for another token", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const eth = await buyerOrder(f);
      await f.stoa.marketplace.connect(f.a.buyer).release(eth.orderId, eth.order);
      const hooked = await buyerOrder(f, { token: f.hookAddress });
      await f.stoa.marketplace.connect(f.a.buyer).release(hooked.orderId, hooked.order);
      await f.registry.setTreasury(f.actorAddress);
      await f.actor.arm(f.market, marketCall(f, "sweepFees", [f.hookAddress]));
      const tx = f.stoa.marketplace.connect(f.a.outsider).sweepFees(ZeroAddress);
      await expect(tx).to.changeEtherBalances(ethers, [f.actorAddress, f.market], [FEE, -FEE]);
      await expectGuarded(f.actor);
      expect(await f.stoa.marketplace.accruedFees(f.hookAddress)).to.equal(FEE);
      await expect(f.stoa.marketplace.sweepFees(f.hookAddress)).to.changeTokenBalances(
        ethers,
        f.hook,
        [f.actorAddress, f.market],
        [FEE, -FEE],
      );
    });

    it("a hook token's sweep cannot re-enter sweepFees for ETH", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const eth = await buyerOrder(f);
      await f.stoa.marketplace.connect(f.a.buyer).release(eth.orderId, eth.order);
      const hooked = await buyerOrder(f, { token: f.hookAddress });
      await f.stoa.marketplace.connect(f.a.buyer).release(hooked.orderId, hooked.order);
      await f.hook.setHook(f.actorAddress);
      await f.actor.arm(f.market, marketCall(f, "sweepFees", [ZeroAddress]));
      const treasury = await f.stoa.timelock.getAddress();
      const tx = f.stoa.marketplace.connect(f.a.outsider).sweepFees(f.hookAddress);
      await expect(tx).to.changeTokenBalances(ethers, f.hook, [treasury, f.market], [FEE, -FEE]);
      await expect(tx).to.changeEtherBalances(ethers, [treasury, f.market], [0n, 0n]);
      await expectGuarded(f.actor);
      expect(await f.stoa.marketplace.accruedFees(ZeroAddress)).to.equal(FEE);
    });
  });

  describe("reentrant parties of an asset sale", function () {
    /** A dUSD order the actor could fill on its own (it holds and approved dUSD). */
    async function secondListing(f: Fixture) {
      return listedAsset(f, { currency: f.usd, price: USD_PRICE });
    }

    it("royalty receiver in ETH: the starved push becomes a credit; the withdrawal's reentry into fill fails", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const sold = await listedAsset(f, { royaltyReceiver: f.actorAddress });
      const next = await secondListing(f);
      await f.actor.arm(f.exchange, fillCall(f, next));
      const tx = f.stoa.assetExchange.connect(f.a.buyer).fill(sold.order, sold.signature, { value: PRICE });
      // 5% royalty = 0.05, 1% fee = 0.01, seller 0.94.
      await expect(tx)
        .to.emit(f.stoa.assetExchange, "Credited")
        .withArgs(f.actorAddress, ZeroAddress, parseEther("0.05"));
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.a.buyer, f.a.creator, f.actorAddress, f.exchange],
        [-PRICE, parseEther("0.94"), 0n, parseEther("0.06")],
      );
      await expectPushStarved(f.actor);
      await withdrawGuarded(f, f.exchange, parseEther("0.05"));
      expect(await f.stoa.stoaAssets.ownerOf(next.order.tokenId)).to.equal(f.a.creator.address);
      await expect(f.actor.execute(f.exchange, 0n, fillCall(f, next))).to.emit(
        f.stoa.assetExchange,
        "AssetOrderFilled",
      );
    });

    it("royalty receiver in a hook token: the token callback re-enters fill and fails", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const sold = await listedAsset(f, { royaltyReceiver: f.actorAddress, currency: f.hookAddress });
      const next = await secondListing(f);
      await f.hook.setHook(f.actorAddress);
      await f.actor.arm(f.exchange, fillCall(f, next));
      const tx = f.stoa.assetExchange.connect(f.a.buyer).fill(sold.order, sold.signature);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.hook,
        [f.a.buyer, f.a.creator, f.actorAddress, f.exchange],
        [-PRICE, parseEther("0.94"), parseEther("0.05"), FEE],
      );
      await expectGuarded(f.actor);
      expect(await f.stoa.stoaAssets.ownerOf(sold.order.tokenId)).to.equal(f.a.buyer.address);
      expect(await f.stoa.stoaAssets.ownerOf(next.order.tokenId)).to.equal(f.a.creator.address);
    });

    async function walletSeller(f: Fixture, currency: string) {
      const wallet = await ethers.deployContract("ReentrantWallet", [f.a.creator.address]);
      const walletAddress = await wallet.getAddress();
      const collection = await f.stoa.stoaAssets.getAddress();
      await f.stoa.stoaAssets.connect(f.a.creator).mint(ASSET_CID, f.a.other.address, 500n);
      const tokenId = await f.stoa.stoaAssets.totalMinted();
      await f.stoa.stoaAssets.connect(f.a.creator).transferFrom(f.a.creator.address, walletAddress, tokenId);
      await wallet.execute(
        collection,
        0n,
        f.stoa.stoaAssets.interface.encodeFunctionData("setApprovalForAll", [f.exchange, true]),
      );
      await f.stoa.devStablecoin.faucet(walletAddress, USD_PRICE);
      await wallet.execute(f.usd, 0n, f.hook.interface.encodeFunctionData("approve", [f.exchange, USD_PRICE]));
      const order: AssetOrder = {
        seller: walletAddress,
        collection,
        tokenId,
        currency,
        price: PRICE,
        nonce: 0n,
        deadline: (await now()) + DAY,
      };
      const signature = await signAssetOrder(f.a.creator, f.exchange, order);
      return { wallet, walletAddress, sold: { order, signature } };
    }

    it("ERC-1271 seller in ETH: the starved push becomes a credit; the withdrawal's reentry into fill fails", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { wallet, walletAddress, sold } = await walletSeller(f, ZeroAddress);
      const next = await secondListing(f);
      await wallet.arm(f.exchange, fillCall(f, next));
      const tx = f.stoa.assetExchange.connect(f.a.buyer).fill(sold.order, sold.signature, { value: PRICE });
      await expect(tx)
        .to.emit(f.stoa.assetExchange, "Credited")
        .withArgs(walletAddress, ZeroAddress, parseEther("0.94"));
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.a.buyer, walletAddress, f.a.other, f.exchange],
        [-PRICE, 0n, parseEther("0.05"), parseEther("0.95")],
      );
      await expectPushStarved(wallet);
      await withdrawGuarded(f, f.exchange, parseEther("0.94"), wallet);
      await expect(wallet.execute(f.exchange, 0n, fillCall(f, next))).to.emit(f.stoa.assetExchange, "AssetOrderFilled");
    });

    it("ERC-1271 seller in a hook token: the token callback re-enters fill and fails", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { wallet, walletAddress, sold } = await walletSeller(f, f.hookAddress);
      const next = await secondListing(f);
      await f.hook.setHook(walletAddress);
      await wallet.arm(f.exchange, fillCall(f, next));
      const tx = f.stoa.assetExchange.connect(f.a.buyer).fill(sold.order, sold.signature);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.hook,
        [f.a.buyer, walletAddress, f.a.other, f.exchange],
        [-PRICE, parseEther("0.94"), parseEther("0.05"), FEE],
      );
      await expectGuarded(wallet);
      expect(await f.stoa.stoaAssets.ownerOf(next.order.tokenId)).to.equal(f.a.creator.address);
    });

    it("NFT buyer: onERC721Received re-enters fill and fails; the buyer gets one token and pays once", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const bought = await listedAsset(f);
      const next = await secondListing(f);
      await f.actor.arm(f.exchange, fillCall(f, next));
      const tx = f.actor.connect(f.a.buyer).execute(f.exchange, PRICE, fillCall(f, bought), { value: PRICE });
      await expect(tx)
        .to.emit(f.stoa.assetExchange, "AssetOrderFilled")
        .withArgs(
          await f.stoa.assetExchange.hashOrder(bought.order),
          f.a.creator.address,
          f.actorAddress,
          bought.order.tokenId,
          parseEther("0.05"),
          f.a.other.address,
          FEE,
        );
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.a.buyer, f.actorAddress, f.a.creator, f.a.other, f.exchange],
        [-PRICE, 0n, parseEther("0.94"), parseEther("0.05"), FEE],
      );
      await expect(tx).to.changeTokenBalances(ethers, f.stoa.devStablecoin, [f.actorAddress, f.exchange], [0n, 0n]);
      await expectGuarded(f.actor);
      expect(await f.stoa.stoaAssets.ownerOf(bought.order.tokenId)).to.equal(f.actorAddress);
      expect(await f.stoa.stoaAssets.ownerOf(next.order.tokenId)).to.equal(f.a.creator.address);
    });

    it("NFT buyer: onERC721Received re-enters sweepFees and fails", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const bought = await listedAsset(f);
      await f.actor.arm(f.exchange, f.stoa.assetExchange.interface.encodeFunctionData("sweepFees", [ZeroAddress]));
      await f.actor.connect(f.a.buyer).execute(f.exchange, PRICE, fillCall(f, bought), { value: PRICE });
      await expectGuarded(f.actor);
      expect(await f.stoa.assetExchange.accruedFees(ZeroAddress)).to.equal(FEE);
    });
  });

  describe("replays", function () {
    it("a permit used for one order cannot fund a second", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const market = f.stoa.marketplace.connect(f.a.buyer);
      await f.stoa.devStablecoin.connect(f.a.buyer).approve(f.market, 0n);
      const req = { ...(await request(f, { token: f.usd })), amount: USD_PRICE };
      const p = await signPermit(f.stoa.devStablecoin, f.a.buyer, f.market, USD_PRICE, (await now()) + DAY);
      await market.createOrderWithPermit(req, p.deadline, p.v, p.r, p.s);
      await expect(market.createOrderWithPermit(req, p.deadline, p.v, p.r, p.s))
        .to.be.revertedWithCustomError(f.stoa.devStablecoin, "ERC20InsufficientAllowance")
        .withArgs(f.market, 0n, USD_PRICE);
      expect(await market.orderCount()).to.equal(1n);
      expect(await f.stoa.devStablecoin.balanceOf(f.market)).to.equal(USD_PRICE);
    });

    it("a permit signed for chain 1 does not work on chain 31337", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const req = { ...(await request(f, { token: f.usd })), amount: USD_PRICE };
      const p = await signPermit(f.stoa.devStablecoin, f.a.buyer, f.market, USD_PRICE, (await now()) + DAY, 1n);
      await expect(f.stoa.marketplace.connect(f.a.buyer).createOrderWithPermit(req, p.deadline, p.v, p.r, p.s))
        .to.be.revertedWithCustomError(f.stoa.devStablecoin, "ERC20InsufficientAllowance")
        .withArgs(f.market, 0n, USD_PRICE);
      expect(await f.stoa.devStablecoin.nonces(f.a.buyer.address)).to.equal(0n);
    });

    it("a permit for another spender does not fund a marketplace order", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const req = { ...(await request(f, { token: f.usd })), amount: USD_PRICE };
      const jobs = await f.stoa.jobEscrow.getAddress();
      const p = await signPermit(f.stoa.devStablecoin, f.a.buyer, jobs, USD_PRICE, (await now()) + DAY);
      await expect(f.stoa.marketplace.connect(f.a.buyer).createOrderWithPermit(req, p.deadline, p.v, p.r, p.s))
        .to.be.revertedWithCustomError(f.stoa.devStablecoin, "ERC20InsufficientAllowance")
        .withArgs(f.market, 0n, USD_PRICE);
    });

    it("a permit signed by the buyer cannot fund someone else's order", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const req = { ...(await request(f, { token: f.usd })), amount: USD_PRICE };
      const p = await signPermit(f.stoa.devStablecoin, f.a.buyer, f.market, USD_PRICE, (await now()) + DAY);
      await expect(f.stoa.marketplace.connect(f.a.other).createOrderWithPermit(req, p.deadline, p.v, p.r, p.s))
        .to.be.revertedWithCustomError(f.stoa.devStablecoin, "ERC20InsufficientAllowance")
        .withArgs(f.market, 0n, USD_PRICE);
      expect(await f.stoa.devStablecoin.nonces(f.a.buyer.address)).to.equal(0n);
    });

    it("a signed asset order fills once", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { order, signature } = await listedAsset(f);
      await f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE });
      // Even back in the seller's hands, the token cannot be sold again on the old signature.
      await f.stoa.stoaAssets.connect(f.a.buyer).transferFrom(f.a.buyer.address, f.a.creator.address, order.tokenId);
      await expect(f.stoa.assetExchange.connect(f.a.other).fill(order, signature, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.assetExchange, "NonceUsed")
        .withArgs(f.a.creator.address, order.nonce);
    });

    it("an asset order signed for chain 1 does not fill on chain 31337", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { order } = await listedAsset(f);
      const signature = await signAssetOrder(f.a.creator, f.exchange, order, 1n);
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.assetExchange, "InvalidSignature")
        .withArgs(f.a.creator.address);
    });

    it("an asset order signed for another exchange fills only there", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const otherExchange = await ethers.deployContract("AssetExchange", [await f.stoa.registry.getAddress()]);
      const otherAddress = await otherExchange.getAddress();
      const { order } = await listedAsset(f);
      const signature = await signAssetOrder(f.a.creator, otherAddress, order);
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.assetExchange, "InvalidSignature")
        .withArgs(f.a.creator.address);
      await f.stoa.stoaAssets.connect(f.a.creator).setApprovalForAll(otherAddress, true);
      await expect(otherExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE })).to.emit(
        otherExchange,
        "AssetOrderFilled",
      );
    });

    it("a cancelled asset order does not fill", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { order, signature } = await listedAsset(f);
      await f.stoa.assetExchange.connect(f.a.creator).cancel(order.nonce);
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.assetExchange, "NonceUsed")
        .withArgs(f.a.creator.address, order.nonce);
    });

    it("asset orders below a new minimum nonce do not fill", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const first = await listedAsset(f);
      const second = await listedAsset(f);
      await f.stoa.assetExchange.connect(f.a.creator).cancelAllBelow(second.order.nonce + 1n);
      for (const { order, signature } of [first, second]) {
        await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE }))
          .to.be.revertedWithCustomError(f.stoa.assetExchange, "NonceUsed")
          .withArgs(f.a.creator.address, order.nonce);
      }
    });

    it("a settled order's calldata cannot settle it again", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await buyerOrder(f);
      await f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      await expect(f.stoa.marketplace.connect(f.a.buyer).release(orderId, order))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "OrderMismatch")
        .withArgs(orderId);
      await expect(f.stoa.marketplace.connect(f.a.seller).refund(orderId, order))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "OrderMismatch")
        .withArgs(orderId);
    });
  });
});
