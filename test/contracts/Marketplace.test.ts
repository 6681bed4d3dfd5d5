/**
 * Marketplace: moderated escrow of listings in ETH or dUSD. One `describe` per external function,
 * with its success path (state, events with exact arguments, balances exact to the wei) and every
 * revert path, including the registry's errors surfacing through it; then the fee snapshot and the
 * fallback when an arbiter can no longer rule.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { keccak256, parseEther, toUtf8Bytes, ZeroAddress } from "ethers";
import { network } from "hardhat";
import type { Marketplace } from "../../types/ethers-contracts/index.js";
import { createdOrder, DAY, deployStoa, devAccounts, HOUR, signPermit } from "../helpers/stoa.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

/** Marketplace.OrderStatus */
const Status = { None: 0n, Funded: 1n, Disputed: 2n, Settled: 3n } as const;
/** EscrowMath's Outcome */
const Outcome = { Released: 0n, Claimed: 1n, Refunded: 2n, Ruled: 3n, Unruled: 4n } as const;

const PRICE = parseEther("1");
/** 25.000033 dUSD (6 decimals): an amount whose fees round. */
const USD_PRICE = 25_000_033n;
const LISTING = keccak256(toUtf8Bytes("listing-1"));
const PROTOCOL_FEE_BPS = 100n;
const ARBITER_FEE_BPS = 300n;
const RULING_PERIOD = DAY;
const MIN_STAKE = 1_000n * 10n ** 18n;
const MAX_DELIVERY = 30n * DAY;

type Order = Marketplace.OrderStruct & { amount: bigint; deliveryDeadline: bigint };

async function impersonate(address: string) {
  await networkHelpers.impersonateAccount(address);
  await networkHelpers.setBalance(address, parseEther("10"));
  return ethers.getSigner(address);
}

async function deployed() {
  const stoa = await deployStoa(connection);
  const a = await devAccounts(ethers);
  const timelock = await impersonate(await stoa.timelock.getAddress());
  const market = await stoa.marketplace.getAddress();
  const usd = await stoa.devStablecoin.getAddress();
  await stoa.devStablecoin.faucet(a.buyer.address, 10_000_000_000n);
  return { stoa, a, timelock, market, usd };
}
type Fixture = Awaited<ReturnType<typeof deployed>>;

async function now() {
  return BigInt(await time.latest());
}

interface OrderOptions {
  buyer?: HardhatEthersSigner;
  seller?: string;
  arbiter?: string;
  token?: string;
  amount?: bigint;
  deliveryDeadline?: bigint;
}

async function request(f: Fixture, o: OrderOptions = {}): Promise<Marketplace.OrderRequestStruct> {
  return {
    seller: o.seller ?? f.a.seller.address,
    arbiter: o.arbiter ?? f.a.arbiter.address,
    token: o.token ?? ZeroAddress,
    amount: o.amount ?? PRICE,
    listingHash: LISTING,
    deliveryDeadline: o.deliveryDeadline ?? (await now()) + 7n * DAY,
  };
}

/** Creates and funds an order (approving dUSD first) and returns its id and calldata. */
async function openOrder(f: Fixture, o: OrderOptions = {}) {
  const buyer = o.buyer ?? f.a.buyer;
  const req = await request(f, o);
  const eth = req.token === ZeroAddress;
  if (!eth) await f.stoa.devStablecoin.connect(buyer).approve(f.market, req.amount);
  const tx = await f.stoa.marketplace.connect(buyer).createOrder(req, { value: eth ? req.amount : 0n });
  const created = await createdOrder(f.stoa.marketplace, tx.hash);
  return { orderId: created.orderId, order: created.order as Order };
}

async function disputedOrder(f: Fixture, o: OrderOptions = {}) {
  const opened = await openOrder(f, o);
  const tx = await f.stoa.marketplace.connect(o.buyer ?? f.a.buyer).dispute(opened.orderId, opened.order);
  const disputedAt = BigInt((await tx.getBlock())!.timestamp);
  return { ...opened, disputedAt };
}

/** The order a buyer expects from its request and the dev terms, built independently of the event. */
function expectedOrder(buyer: string, req: Marketplace.OrderRequestStruct) {
  return [
    buyer,
    req.seller,
    req.arbiter,
    req.token,
    req.amount,
    req.listingHash,
    req.deliveryDeadline,
    PROTOCOL_FEE_BPS,
    ARBITER_FEE_BPS,
    RULING_PERIOD,
  ];
}

function withTimelock(f: Fixture) {
  return f.stoa.registry.connect(f.timelock);
}

describe("Marketplace", function () {
  describe("createOrder", function () {
    it("escrows ETH and commits the order with the terms of the registry", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const req = await request(f);
      const tx = f.stoa.marketplace.connect(f.a.buyer).createOrder(req, { value: PRICE });
      await expect(tx)
        .to.emit(f.stoa.marketplace, "OrderCreated")
        .withArgs(1n, f.a.buyer.address, f.a.seller.address, expectedOrder(f.a.buyer.address, req));
      await expect(tx).to.changeEtherBalances(ethers, [f.a.buyer, f.market], [-PRICE, PRICE]);
      expect(await f.stoa.marketplace.orderCount()).to.equal(1n);
      expect(await f.stoa.marketplace.orderStatus(1n)).to.deep.equal([Status.Funded, 0n]);
      const { order } = await createdOrder(f.stoa.marketplace, (await tx).hash);
      expect(await f.stoa.marketplace.matchesOrder(1n, order)).to.equal(true);
    });

    it("escrows dUSD pulled with an allowance", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const req = await request(f, { token: f.usd, amount: USD_PRICE });
      await f.stoa.devStablecoin.connect(f.a.buyer).approve(f.market, USD_PRICE);
      const tx = f.stoa.marketplace.connect(f.a.buyer).createOrder(req);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "OrderCreated")
        .withArgs(1n, f.a.buyer.address, f.a.seller.address, expectedOrder(f.a.buyer.address, req));
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.stoa.devStablecoin,
        [f.a.buyer, f.market],
        [-USD_PRICE, USD_PRICE],
      );
      expect(await f.stoa.devStablecoin.allowance(f.a.buyer.address, f.market)).to.equal(0n);
    });

    it("numbers orders from 1 upwards", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      expect((await openOrder(f)).orderId).to.equal(1n);
      expect((await openOrder(f, { buyer: f.a.other })).orderId).to.equal(2n);
      expect(await f.stoa.marketplace.orderCount()).to.equal(2n);
    });

    it("accepts a deadline at either end of [now + min dispute window, now + max delivery period]", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      let t = (await now()) + 100n;
      await time.setNextBlockTimestamp(t);
      await openOrder(f, { deliveryDeadline: t + HOUR });
      t += 100n;
      await time.setNextBlockTimestamp(t);
      const { order } = await openOrder(f, { deliveryDeadline: t + MAX_DELIVERY });
      expect(order.deliveryDeadline).to.equal(t + MAX_DELIVERY);
    });

    it("reverts with SelfPurchase when the buyer is the seller", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const req = await request(f, { seller: f.a.buyer.address });
      await expect(f.stoa.marketplace.connect(f.a.buyer).createOrder(req, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "SelfPurchase")
        .withArgs(f.a.buyer.address);
    });

    it("reverts with DeadlineOutOfRange below the minimum dispute window", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const t = (await now()) + 100n;
      const req = await request(f, { deliveryDeadline: t + HOUR - 1n });
      await time.setNextBlockTimestamp(t);
      await expect(f.stoa.marketplace.connect(f.a.buyer).createOrder(req, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "DeadlineOutOfRange")
        .withArgs(t + HOUR - 1n, t + HOUR, t + MAX_DELIVERY);
    });

    it("reverts with DeadlineOutOfRange above the maximum delivery period", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const t = (await now()) + 100n;
      const req = await request(f, { deliveryDeadline: t + MAX_DELIVERY + 1n });
      await time.setNextBlockTimestamp(t);
      await expect(f.stoa.marketplace.connect(f.a.buyer).createOrder(req, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "DeadlineOutOfRange")
        .withArgs(t + MAX_DELIVERY + 1n, t + HOUR, t + MAX_DELIVERY);
    });

    it("reverts with WrongEthValue when the value is not the amount", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const req = await request(f);
      const market = f.stoa.marketplace.connect(f.a.buyer);
      await expect(market.createOrder(req, { value: PRICE - 1n }))
        .to.be.revertedWithCustomError(market, "WrongEthValue")
        .withArgs(PRICE - 1n, PRICE);
      await expect(market.createOrder(req, { value: PRICE + 1n }))
        .to.be.revertedWithCustomError(market, "WrongEthValue")
        .withArgs(PRICE + 1n, PRICE);
      await expect(market.createOrder(req)).to.be.revertedWithCustomError(market, "WrongEthValue").withArgs(0n, PRICE);
      expect(await market.orderCount()).to.equal(0n);
    });

    it("reverts with WrongEthValue when ETH comes with an ERC-20 order", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const req = await request(f, { token: f.usd, amount: USD_PRICE });
      await f.stoa.devStablecoin.connect(f.a.buyer).approve(f.market, USD_PRICE);
      await expect(f.stoa.marketplace.connect(f.a.buyer).createOrder(req, { value: 1n }))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "WrongEthValue")
        .withArgs(1n, 0n);
    });

    it("reverts with ZeroAmount for an order of nothing, in ETH or dUSD", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const market = f.stoa.marketplace.connect(f.a.buyer);
      await expect(market.createOrder(await request(f, { amount: 0n }))).to.be.revertedWithCustomError(
        market,
        "ZeroAmount",
      );
      await expect(market.createOrder(await request(f, { token: f.usd, amount: 0n }))).to.be.revertedWithCustomError(
        market,
        "ZeroAmount",
      );
    });

    it("reverts with the token's error when the allowance is missing", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const req = await request(f, { token: f.usd, amount: USD_PRICE });
      await expect(f.stoa.marketplace.connect(f.a.buyer).createOrder(req))
        .to.be.revertedWithCustomError(f.stoa.devStablecoin, "ERC20InsufficientAllowance")
        .withArgs(f.market, 0n, USD_PRICE);
    });

    it("reverts with the registry's AccountIsDenied for a denied buyer, seller or arbiter", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const registry = withTimelock(f);
      const market = f.stoa.marketplace.connect(f.a.buyer);
      await registry.deny(f.a.buyer.address, "bafy-buyer");
      await expect(market.createOrder(await request(f), { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.registry, "AccountIsDenied")
        .withArgs(f.a.buyer.address);
      await registry.allow(f.a.buyer.address, "bafy-buyer-appeal");
      await registry.deny(f.a.seller.address, "bafy-seller");
      await expect(market.createOrder(await request(f), { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.registry, "AccountIsDenied")
        .withArgs(f.a.seller.address);
      await registry.deny(f.a.arbiter2.address, "bafy-arbiter");
      await expect(
        market.createOrder(await request(f, { seller: f.a.other.address, arbiter: f.a.arbiter2.address }), {
          value: PRICE,
        }),
      )
        .to.be.revertedWithCustomError(f.stoa.registry, "AccountIsDenied")
        .withArgs(f.a.arbiter2.address);
    });

    it("reverts with the registry's NotArbiter for an arbiter outside the set", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const req = await request(f, { arbiter: f.a.outsider.address });
      await expect(f.stoa.marketplace.connect(f.a.buyer).createOrder(req, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.registry, "NotArbiter")
        .withArgs(f.a.outsider.address);
    });

    it("reverts with the registry's InsufficientArbiterStake for an unbonding or understaked arbiter", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const market = f.stoa.marketplace.connect(f.a.buyer);
      await f.stoa.stakingVault.connect(f.a.arbiter).requestUnbonding();
      await expect(market.createOrder(await request(f), { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.registry, "InsufficientArbiterStake")
        .withArgs(f.a.arbiter.address, 0n, MIN_STAKE);
      await withTimelock(f).setMinArbiterStake(2n * MIN_STAKE);
      await expect(market.createOrder(await request(f, { arbiter: f.a.arbiter2.address }), { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.registry, "InsufficientArbiterStake")
        .withArgs(f.a.arbiter2.address, MIN_STAKE, 2n * MIN_STAKE);
    });

    it("reverts with the registry's ArbiterIsParty when the arbiter is the buyer or the seller", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      await expect(
        f.stoa.marketplace
          .connect(f.a.buyer)
          .createOrder(await request(f, { seller: f.a.arbiter.address }), { value: PRICE }),
      )
        .to.be.revertedWithCustomError(f.stoa.registry, "ArbiterIsParty")
        .withArgs(f.a.arbiter.address);
      await expect(f.stoa.marketplace.connect(f.a.arbiter).createOrder(await request(f), { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.registry, "ArbiterIsParty")
        .withArgs(f.a.arbiter.address);
    });

    it("reverts with the registry's PaymentTokenNotAllowed for a token the DAO did not accept", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const stoaToken = await f.stoa.token.getAddress();
      await f.stoa.token.connect(f.a.buyer).approve(f.market, PRICE);
      await expect(f.stoa.marketplace.connect(f.a.buyer).createOrder(await request(f, { token: stoaToken })))
        .to.be.revertedWithCustomError(f.stoa.registry, "PaymentTokenNotAllowed")
        .withArgs(stoaToken);
      await withTimelock(f).setPaymentToken(f.usd, false);
      await expect(
        f.stoa.marketplace.connect(f.a.buyer).createOrder(await request(f, { token: f.usd, amount: USD_PRICE })),
      )
        .to.be.revertedWithCustomError(f.stoa.registry, "PaymentTokenNotAllowed")
        .withArgs(f.usd);
    });
  });

  describe("createOrderWithPermit", function () {
    it("funds a dUSD order with the buyer's permit in one transaction", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const req = await request(f, { token: f.usd, amount: USD_PRICE });
      const p = await signPermit(f.stoa.devStablecoin, f.a.buyer, f.market, USD_PRICE, (await now()) + DAY);
      const tx = f.stoa.marketplace.connect(f.a.buyer).createOrderWithPermit(req, p.deadline, p.v, p.r, p.s);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "OrderCreated")
        .withArgs(1n, f.a.buyer.address, f.a.seller.address, expectedOrder(f.a.buyer.address, req));
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.stoa.devStablecoin,
        [f.a.buyer, f.market],
        [-USD_PRICE, USD_PRICE],
      );
      expect(await f.stoa.devStablecoin.nonces(f.a.buyer.address)).to.equal(1n);
      expect(await f.stoa.devStablecoin.allowance(f.a.buyer.address, f.market)).to.equal(0n);
    });

    it("still funds the order when a front-runner submitted the permit first", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const req = await request(f, { token: f.usd, amount: USD_PRICE });
      const p = await signPermit(f.stoa.devStablecoin, f.a.buyer, f.market, USD_PRICE, (await now()) + DAY);
      await f.stoa.devStablecoin
        .connect(f.a.outsider)
        .permit(f.a.buyer.address, f.market, USD_PRICE, p.deadline, p.v, p.r, p.s);
      await expect(
        f.stoa.marketplace.connect(f.a.buyer).createOrderWithPermit(req, p.deadline, p.v, p.r, p.s),
      ).to.changeTokenBalances(ethers, f.stoa.devStablecoin, [f.a.buyer, f.market], [-USD_PRICE, USD_PRICE]);
      expect(await f.stoa.marketplace.orderCount()).to.equal(1n);
    });

    it("falls back to an existing allowance when the permit is invalid", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const req = await request(f, { token: f.usd, amount: USD_PRICE });
      await f.stoa.devStablecoin.connect(f.a.buyer).approve(f.market, USD_PRICE);
      await expect(
        f.stoa.marketplace.connect(f.a.buyer).createOrderWithPermit(req, 0n, 27, ethers.ZeroHash, ethers.ZeroHash),
      ).to.emit(f.stoa.marketplace, "OrderCreated");
      expect(await f.stoa.devStablecoin.nonces(f.a.buyer.address)).to.equal(0n);
    });

    it("reverts with the token's allowance error when the permit is expired and nothing is approved", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const req = await request(f, { token: f.usd, amount: USD_PRICE });
      const p = await signPermit(f.stoa.devStablecoin, f.a.buyer, f.market, USD_PRICE, await now());
      await expect(f.stoa.marketplace.connect(f.a.buyer).createOrderWithPermit(req, p.deadline, p.v, p.r, p.s))
        .to.be.revertedWithCustomError(f.stoa.devStablecoin, "ERC20InsufficientAllowance")
        .withArgs(f.market, 0n, USD_PRICE);
    });

    it("reverts with the token's allowance error when the permit is for less than the amount", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const req = await request(f, { token: f.usd, amount: USD_PRICE });
      const p = await signPermit(f.stoa.devStablecoin, f.a.buyer, f.market, USD_PRICE - 1n, (await now()) + DAY);
      await expect(f.stoa.marketplace.connect(f.a.buyer).createOrderWithPermit(req, p.deadline, p.v, p.r, p.s))
        .to.be.revertedWithCustomError(f.stoa.devStablecoin, "ERC20InsufficientAllowance")
        .withArgs(f.market, 0n, USD_PRICE);
    });

    it("runs the same checks as createOrder", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const p = await signPermit(f.stoa.devStablecoin, f.a.buyer, f.market, USD_PRICE, (await now()) + DAY);
      const self = await request(f, { token: f.usd, amount: USD_PRICE, seller: f.a.buyer.address });
      await expect(f.stoa.marketplace.connect(f.a.buyer).createOrderWithPermit(self, p.deadline, p.v, p.r, p.s))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "SelfPurchase")
        .withArgs(f.a.buyer.address);
      const zero = await request(f, { token: f.usd, amount: 0n });
      await expect(
        f.stoa.marketplace.connect(f.a.buyer).createOrderWithPermit(zero, p.deadline, p.v, p.r, p.s),
      ).to.be.revertedWithCustomError(f.stoa.marketplace, "ZeroAmount");
    });

    it("refuses an ETH order, which has no token to permit, with NotAToken", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const req = await request(f);
      await expect(
        f.stoa.marketplace.connect(f.a.buyer).createOrderWithPermit(req, 0n, 27, ethers.ZeroHash, ethers.ZeroHash),
      )
        .to.be.revertedWithCustomError(f.stoa.marketplace, "NotAToken")
        .withArgs(ZeroAddress);
    });
  });

  describe("release", function () {
    it("pays the seller the ETH minus the protocol fee, which accrues", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      const fee = PRICE / 100n;
      const tx = f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Released, [0n, PRICE - fee, 0n, fee]);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.a.buyer, f.a.seller, f.a.arbiter, f.market],
        [0n, PRICE - fee, 0n, -(PRICE - fee)],
      );
      await expect(tx).not.to.emit(f.stoa.marketplace, "Credited");
      expect(await f.stoa.marketplace.accruedFees(ZeroAddress)).to.equal(fee);
      expect(await f.stoa.marketplace.orderStatus(orderId)).to.deep.equal([Status.Settled, 0n]);
      expect(await f.stoa.marketplace.matchesOrder(orderId, order)).to.equal(false);
    });

    it("pays the seller in dUSD, the fee rounded down", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f, { token: f.usd, amount: USD_PRICE });
      // 1% of 25.000033 dUSD is 250,000.33 units: 250,000.
      const tx = f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Released, [0n, 24_750_033n, 0n, 250_000n]);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.stoa.devStablecoin,
        [f.a.seller, f.market],
        [24_750_033n, -24_750_033n],
      );
      expect(await f.stoa.marketplace.accruedFees(f.usd)).to.equal(250_000n);
    });

    it("ends a dispute", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await disputedOrder(f);
      await expect(f.stoa.marketplace.connect(f.a.buyer).release(orderId, order))
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Released, [0n, PRICE - PRICE / 100n, 0n, PRICE / 100n]);
    });

    it("reverts with Unauthorized for anyone but the buyer", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      for (const caller of [f.a.seller, f.a.arbiter, f.a.outsider]) {
        await expect(f.stoa.marketplace.connect(caller).release(orderId, order))
          .to.be.revertedWithCustomError(f.stoa.marketplace, "Unauthorized")
          .withArgs(caller.address, f.a.buyer.address);
      }
    });

    it("reverts with OrderMismatch for any tampered field of the order", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      const tampered: Order[] = [
        { ...order, buyer: f.a.other.address },
        { ...order, seller: f.a.other.address },
        { ...order, arbiter: f.a.arbiter2.address },
        { ...order, token: f.usd },
        { ...order, amount: order.amount + 1n },
        { ...order, listingHash: keccak256(toUtf8Bytes("listing-2")) },
        { ...order, deliveryDeadline: order.deliveryDeadline + 1n },
        { ...order, protocolFeeBps: 0n },
        { ...order, arbiterFeeBps: 1_500n },
        { ...order, rulingPeriod: 1n },
      ];
      for (const fake of tampered) {
        await expect(f.stoa.marketplace.connect(f.a.buyer).release(orderId, fake))
          .to.be.revertedWithCustomError(f.stoa.marketplace, "OrderMismatch")
          .withArgs(orderId);
      }
      expect(await f.stoa.marketplace.orderStatus(orderId)).to.deep.equal([Status.Funded, 0n]);
    });

    it("reverts with OrderMismatch for an unknown id, another order's id and a settled order", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const first = await openOrder(f);
      const second = await openOrder(f);
      const market = f.stoa.marketplace.connect(f.a.buyer);
      for (const id of [0n, 3n]) {
        await expect(market.release(id, first.order))
          .to.be.revertedWithCustomError(market, "OrderMismatch")
          .withArgs(id);
      }
      // Same parties and amount, but a different deadline: the commitment tells them apart.
      await expect(market.release(second.orderId, first.order))
        .to.be.revertedWithCustomError(market, "OrderMismatch")
        .withArgs(second.orderId);
      await market.release(first.orderId, first.order);
      await expect(market.release(first.orderId, first.order))
        .to.be.revertedWithCustomError(market, "OrderMismatch")
        .withArgs(first.orderId);
    });
  });

  describe("refund", function () {
    it("returns the whole ETH payment to the buyer, without fee", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      const tx = f.stoa.marketplace.connect(f.a.seller).refund(orderId, order);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Refunded, [PRICE, 0n, 0n, 0n]);
      await expect(tx).to.changeEtherBalances(ethers, [f.a.buyer, f.a.seller, f.market], [PRICE, 0n, -PRICE]);
      expect(await f.stoa.marketplace.accruedFees(ZeroAddress)).to.equal(0n);
      expect(await f.stoa.marketplace.orderStatus(orderId)).to.deep.equal([Status.Settled, 0n]);
    });

    it("returns dUSD and ends a dispute", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await disputedOrder(f, { token: f.usd, amount: USD_PRICE });
      const tx = f.stoa.marketplace.connect(f.a.seller).refund(orderId, order);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Refunded, [USD_PRICE, 0n, 0n, 0n]);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.stoa.devStablecoin,
        [f.a.buyer, f.market],
        [USD_PRICE, -USD_PRICE],
      );
    });

    it("reverts with Unauthorized for anyone but the seller", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      for (const caller of [f.a.buyer, f.a.arbiter, f.a.outsider]) {
        await expect(f.stoa.marketplace.connect(caller).refund(orderId, order))
          .to.be.revertedWithCustomError(f.stoa.marketplace, "Unauthorized")
          .withArgs(caller.address, f.a.seller.address);
      }
    });

    it("reverts with OrderMismatch for a tampered or settled order", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      const market = f.stoa.marketplace.connect(f.a.seller);
      await expect(market.refund(orderId, { ...order, amount: 2n * PRICE }))
        .to.be.revertedWithCustomError(market, "OrderMismatch")
        .withArgs(orderId);
      await market.refund(orderId, order);
      await expect(market.refund(orderId, order))
        .to.be.revertedWithCustomError(market, "OrderMismatch")
        .withArgs(orderId);
    });
  });

  describe("dispute", function () {
    it("lets the buyer dispute and records when", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      const t = (await now()) + 10n;
      await time.setNextBlockTimestamp(t);
      await expect(f.stoa.marketplace.connect(f.a.buyer).dispute(orderId, order))
        .to.emit(f.stoa.marketplace, "OrderDisputed")
        .withArgs(orderId, f.a.buyer.address);
      expect(await f.stoa.marketplace.orderStatus(orderId)).to.deep.equal([Status.Disputed, t]);
      // The order's commitment is kept: the same calldata still matches.
      expect(await f.stoa.marketplace.matchesOrder(orderId, order)).to.equal(true);
    });

    it("lets the seller dispute until the last second before the delivery deadline", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      await time.setNextBlockTimestamp(order.deliveryDeadline - 1n);
      await expect(f.stoa.marketplace.connect(f.a.seller).dispute(orderId, order))
        .to.emit(f.stoa.marketplace, "OrderDisputed")
        .withArgs(orderId, f.a.seller.address);
      expect(await f.stoa.marketplace.orderStatus(orderId)).to.deep.equal([
        Status.Disputed,
        order.deliveryDeadline - 1n,
      ]);
    });

    it("reverts with NotOrderParty for the arbiter or an outsider", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      for (const caller of [f.a.arbiter, f.a.outsider]) {
        await expect(f.stoa.marketplace.connect(caller).dispute(orderId, order))
          .to.be.revertedWithCustomError(f.stoa.marketplace, "NotOrderParty")
          .withArgs(orderId, caller.address);
      }
    });

    it("reverts with WrongOrderStatus when the order is already disputed", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await disputedOrder(f);
      await expect(f.stoa.marketplace.connect(f.a.seller).dispute(orderId, order))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "WrongOrderStatus")
        .withArgs(orderId, Status.Disputed);
    });

    it("reverts with DisputeWindowClosed from the delivery deadline on", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      await time.setNextBlockTimestamp(order.deliveryDeadline);
      await expect(f.stoa.marketplace.connect(f.a.buyer).dispute(orderId, order))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "DisputeWindowClosed")
        .withArgs(orderId, order.deliveryDeadline);
    });

    it("reverts with OrderMismatch for a tampered or settled order", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      await expect(f.stoa.marketplace.connect(f.a.buyer).dispute(orderId, { ...order, seller: f.a.other.address }))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "OrderMismatch")
        .withArgs(orderId);
      await f.stoa.marketplace.connect(f.a.seller).refund(orderId, order);
      await expect(f.stoa.marketplace.connect(f.a.buyer).dispute(orderId, order))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "OrderMismatch")
        .withArgs(orderId);
    });
  });

  describe("rule", function () {
    it("pays the arbiter fee first, the buyer its share of the rest, the seller the remainder minus the fee", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await disputedOrder(f);
      // 1 ETH, buyer 25%: arbiter 3% = 0.03; rest 0.97; buyer 0.2425; seller gross 0.7275, of
      // which 1% (0.007275) is the protocol fee: seller 0.720225.
      const arbiterFee = parseEther("0.03");
      const toBuyer = parseEther("0.2425");
      const protocolFee = parseEther("0.007275");
      const toSeller = parseEther("0.720225");
      const tx = f.stoa.marketplace.connect(f.a.arbiter).rule(orderId, order, 2_500);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Ruled, [toBuyer, toSeller, arbiterFee, protocolFee]);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.a.buyer, f.a.seller, f.a.arbiter, f.market],
        [toBuyer, toSeller, arbiterFee, -(PRICE - protocolFee)],
      );
      expect(await f.stoa.marketplace.accruedFees(ZeroAddress)).to.equal(protocolFee);
      expect(await f.stoa.marketplace.orderStatus(orderId)).to.deep.equal([Status.Settled, 0n]);
    });

    it("rounds every fee down and gives the remainder to the parties (dUSD)", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await disputedOrder(f, { token: f.usd, amount: 12_345n });
      // arbiter 12,345 * 3% = 370.35 -> 370; rest 11,975; buyer 33.33% = 3,991.2675 -> 3,991;
      // seller gross 7,984; fee 79.84 -> 79; seller 7,905. 370 + 3,991 + 79 + 7,905 = 12,345.
      const tx = f.stoa.marketplace.connect(f.a.arbiter).rule(orderId, order, 3_333);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Ruled, [3_991n, 7_905n, 370n, 79n]);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.stoa.devStablecoin,
        [f.a.buyer, f.a.seller, f.a.arbiter, f.market],
        [3_991n, 7_905n, 370n, -12_266n],
      );
      expect(await f.stoa.marketplace.accruedFees(f.usd)).to.equal(79n);
    });

    it("gives everything after the arbiter fee to the buyer at 100%, with no protocol fee", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await disputedOrder(f);
      const arbiterFee = parseEther("0.03");
      const tx = f.stoa.marketplace.connect(f.a.arbiter).rule(orderId, order, 10_000);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Ruled, [PRICE - arbiterFee, 0n, arbiterFee, 0n]);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.a.buyer, f.a.seller, f.a.arbiter],
        [PRICE - arbiterFee, 0n, arbiterFee],
      );
      expect(await f.stoa.marketplace.accruedFees(ZeroAddress)).to.equal(0n);
    });

    it("gives everything after the arbiter and protocol fees to the seller at 0%", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await disputedOrder(f);
      // 0.97 to the seller's side, 1% of it (0.0097) as protocol fee.
      const tx = f.stoa.marketplace.connect(f.a.arbiter).rule(orderId, order, 0);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Ruled, [0n, parseEther("0.9603"), parseEther("0.03"), parseEther("0.0097")]);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.a.buyer, f.a.seller, f.a.arbiter],
        [0n, parseEther("0.9603"), parseEther("0.03")],
      );
    });

    it("reverts with Unauthorized for anyone but the order's arbiter, other arbiters included", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await disputedOrder(f);
      for (const caller of [f.a.buyer, f.a.seller, f.a.arbiter2]) {
        await expect(f.stoa.marketplace.connect(caller).rule(orderId, order, 5_000))
          .to.be.revertedWithCustomError(f.stoa.marketplace, "Unauthorized")
          .withArgs(caller.address, f.a.arbiter.address);
      }
    });

    it("reverts with WrongOrderStatus for an order that is not disputed", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      await expect(f.stoa.marketplace.connect(f.a.arbiter).rule(orderId, order, 5_000))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "WrongOrderStatus")
        .withArgs(orderId, Status.Funded);
    });

    it("reverts with BpsAboveWhole for a buyer share above 100%", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await disputedOrder(f);
      await expect(f.stoa.marketplace.connect(f.a.arbiter).rule(orderId, order, 10_001))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "BpsAboveWhole")
        .withArgs(10_001n);
    });

    it("reverts with OrderMismatch for a tampered or settled order", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await disputedOrder(f);
      const market = f.stoa.marketplace.connect(f.a.arbiter);
      await expect(market.rule(orderId, { ...order, arbiterFeeBps: 1_500n }, 5_000))
        .to.be.revertedWithCustomError(market, "OrderMismatch")
        .withArgs(orderId);
      await market.rule(orderId, order, 5_000);
      await expect(market.rule(orderId, order, 5_000))
        .to.be.revertedWithCustomError(market, "OrderMismatch")
        .withArgs(orderId);
    });

    it("reverts with the registry's error when the arbiter was removed, denied or is unbonding", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const registry = withTimelock(f);
      const removed = await disputedOrder(f);
      const denied = await disputedOrder(f, { arbiter: f.a.arbiter2.address });
      const unbonding = await disputedOrder(f, { arbiter: f.a.arbiter3.address });
      await registry.removeArbiter(f.a.arbiter.address);
      await registry.deny(f.a.arbiter2.address, "bafy-misconduct");
      await f.stoa.stakingVault.connect(f.a.arbiter3).requestUnbonding();
      await expect(f.stoa.marketplace.connect(f.a.arbiter).rule(removed.orderId, removed.order, 5_000))
        .to.be.revertedWithCustomError(f.stoa.registry, "NotArbiter")
        .withArgs(f.a.arbiter.address);
      await expect(f.stoa.marketplace.connect(f.a.arbiter2).rule(denied.orderId, denied.order, 5_000))
        .to.be.revertedWithCustomError(f.stoa.registry, "AccountIsDenied")
        .withArgs(f.a.arbiter2.address);
      await expect(f.stoa.marketplace.connect(f.a.arbiter3).rule(unbonding.orderId, unbonding.order, 5_000))
        .to.be.revertedWithCustomError(f.stoa.registry, "InsufficientArbiterStake")
        .withArgs(f.a.arbiter3.address, 0n, MIN_STAKE);
    });

    it("rules until the last second of the ruling period", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order, disputedAt } = await disputedOrder(f);
      await time.setNextBlockTimestamp(disputedAt + RULING_PERIOD - 1n);
      await expect(f.stoa.marketplace.connect(f.a.arbiter).rule(orderId, order, 5_000))
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Ruled, [
          parseEther("0.485"),
          parseEther("0.48015"),
          parseEther("0.03"),
          parseEther("0.00485"),
        ]);
    });

    it("refuses a ruling once the ruling period is over (RulingPeriodOver), leaving the fallback", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order, disputedAt } = await disputedOrder(f);
      const endsAt = disputedAt + RULING_PERIOD;
      await time.setNextBlockTimestamp(endsAt);
      await expect(f.stoa.marketplace.connect(f.a.arbiter).rule(orderId, order, 5_000))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "RulingPeriodOver")
        .withArgs(orderId, endsAt);
      await expect(f.stoa.marketplace.connect(f.a.buyer).resolveUnruled(orderId, order)).to.emit(
        f.stoa.marketplace,
        "OrderSettled",
      );
    });
  });

  describe("claim", function () {
    it("pays the seller from the delivery deadline on when the buyer stayed silent", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      const fee = PRICE / 100n;
      await time.setNextBlockTimestamp(order.deliveryDeadline);
      const tx = f.stoa.marketplace.connect(f.a.seller).claim(orderId, order);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Claimed, [0n, PRICE - fee, 0n, fee]);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.a.buyer, f.a.seller, f.market],
        [0n, PRICE - fee, -(PRICE - fee)],
      );
      expect(await f.stoa.marketplace.accruedFees(ZeroAddress)).to.equal(fee);
      expect(await f.stoa.marketplace.orderStatus(orderId)).to.deep.equal([Status.Settled, 0n]);
    });

    it("pays the seller in dUSD", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f, { token: f.usd, amount: USD_PRICE });
      await time.increaseTo(order.deliveryDeadline);
      await expect(f.stoa.marketplace.connect(f.a.seller).claim(orderId, order)).to.changeTokenBalances(
        ethers,
        f.stoa.devStablecoin,
        [f.a.seller, f.market],
        [24_750_033n, -24_750_033n],
      );
    });

    it("reverts with DeliveryDeadlineNotReached before the deadline", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      await time.setNextBlockTimestamp(order.deliveryDeadline - 1n);
      await expect(f.stoa.marketplace.connect(f.a.seller).claim(orderId, order))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "DeliveryDeadlineNotReached")
        .withArgs(orderId, order.deliveryDeadline);
    });

    it("reverts with Unauthorized for anyone but the seller", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      await time.increaseTo(order.deliveryDeadline);
      for (const caller of [f.a.buyer, f.a.arbiter, f.a.outsider]) {
        await expect(f.stoa.marketplace.connect(caller).claim(orderId, order))
          .to.be.revertedWithCustomError(f.stoa.marketplace, "Unauthorized")
          .withArgs(caller.address, f.a.seller.address);
      }
    });

    it("reverts with WrongOrderStatus for a disputed order", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await disputedOrder(f);
      await time.increaseTo(order.deliveryDeadline);
      await expect(f.stoa.marketplace.connect(f.a.seller).claim(orderId, order))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "WrongOrderStatus")
        .withArgs(orderId, Status.Disputed);
    });

    it("reverts with OrderMismatch for a tampered or settled order", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      // A seller cannot move its claim date forward by lying about the deadline.
      await expect(f.stoa.marketplace.connect(f.a.seller).claim(orderId, { ...order, deliveryDeadline: await now() }))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "OrderMismatch")
        .withArgs(orderId);
      await time.increaseTo(order.deliveryDeadline);
      await f.stoa.marketplace.connect(f.a.seller).claim(orderId, order);
      await expect(f.stoa.marketplace.connect(f.a.seller).claim(orderId, order))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "OrderMismatch")
        .withArgs(orderId);
    });
  });

  describe("resolveUnruled", function () {
    it("splits evenly without arbiter fee once the ruling period is over (buyer calls)", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order, disputedAt } = await disputedOrder(f);
      // Half to the buyer (0.5); the seller's half pays 1% (0.005).
      const half = PRICE / 2n;
      const fee = parseEther("0.005");
      await time.setNextBlockTimestamp(disputedAt + RULING_PERIOD);
      const tx = f.stoa.marketplace.connect(f.a.buyer).resolveUnruled(orderId, order);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Unruled, [half, half - fee, 0n, fee]);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.a.buyer, f.a.seller, f.a.arbiter, f.market],
        [half, half - fee, 0n, -(PRICE - fee)],
      );
      expect(await f.stoa.marketplace.accruedFees(ZeroAddress)).to.equal(fee);
      expect(await f.stoa.marketplace.orderStatus(orderId)).to.deep.equal([Status.Settled, 0n]);
    });

    it("rounds the buyer's half down (seller calls, dUSD)", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order, disputedAt } = await disputedOrder(f, { token: f.usd, amount: 12_345n });
      // buyer 6,172.5 -> 6,172; seller gross 6,173, fee 61.73 -> 61; seller 6,112.
      await time.increaseTo(disputedAt + RULING_PERIOD);
      const tx = f.stoa.marketplace.connect(f.a.seller).resolveUnruled(orderId, order);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Unruled, [6_172n, 6_112n, 0n, 61n]);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.stoa.devStablecoin,
        [f.a.buyer, f.a.seller, f.a.arbiter, f.market],
        [6_172n, 6_112n, 0n, -12_284n],
      );
    });

    it("reverts with RulingPeriodNotOver until the ruling period ends", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order, disputedAt } = await disputedOrder(f);
      const endsAt = disputedAt + RULING_PERIOD;
      await time.setNextBlockTimestamp(endsAt - 1n);
      await expect(f.stoa.marketplace.connect(f.a.buyer).resolveUnruled(orderId, order))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "RulingPeriodNotOver")
        .withArgs(orderId, endsAt);
    });

    it("reverts with NotOrderParty for the arbiter or an outsider", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order, disputedAt } = await disputedOrder(f);
      await time.increaseTo(disputedAt + RULING_PERIOD);
      for (const caller of [f.a.arbiter, f.a.outsider]) {
        await expect(f.stoa.marketplace.connect(caller).resolveUnruled(orderId, order))
          .to.be.revertedWithCustomError(f.stoa.marketplace, "NotOrderParty")
          .withArgs(orderId, caller.address);
      }
    });

    it("reverts with WrongOrderStatus for an order that is not disputed", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      await time.increase(RULING_PERIOD);
      await expect(f.stoa.marketplace.connect(f.a.buyer).resolveUnruled(orderId, order))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "WrongOrderStatus")
        .withArgs(orderId, Status.Funded);
    });

    it("reverts with OrderMismatch for a tampered ruling period or a settled order", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order, disputedAt } = await disputedOrder(f);
      // A party cannot shorten the ruling period by lying about it.
      await expect(f.stoa.marketplace.connect(f.a.buyer).resolveUnruled(orderId, { ...order, rulingPeriod: 1n }))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "OrderMismatch")
        .withArgs(orderId);
      await f.stoa.marketplace.connect(f.a.arbiter).rule(orderId, order, 5_000);
      await time.increaseTo(disputedAt + RULING_PERIOD);
      await expect(f.stoa.marketplace.connect(f.a.buyer).resolveUnruled(orderId, order))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "OrderMismatch")
        .withArgs(orderId);
    });
  });

  describe("an arbiter that can no longer rule", function () {
    it("leaves the even split to a dispute whose arbiter was removed", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order, disputedAt } = await disputedOrder(f);
      await withTimelock(f).removeArbiter(f.a.arbiter.address);
      await expect(f.stoa.marketplace.connect(f.a.arbiter).rule(orderId, order, 10_000))
        .to.be.revertedWithCustomError(f.stoa.registry, "NotArbiter")
        .withArgs(f.a.arbiter.address);
      await time.increaseTo(disputedAt + RULING_PERIOD);
      await expect(f.stoa.marketplace.connect(f.a.seller).resolveUnruled(orderId, order)).to.changeEtherBalances(
        ethers,
        [f.a.buyer, f.a.seller, f.a.arbiter],
        [PRICE / 2n, PRICE / 2n - parseEther("0.005"), 0n],
      );
    });

    it("leaves the even split to a dispute whose arbiter is unbonding", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order, disputedAt } = await disputedOrder(f);
      await f.stoa.stakingVault.connect(f.a.arbiter).requestUnbonding();
      await expect(f.stoa.marketplace.connect(f.a.arbiter).rule(orderId, order, 0))
        .to.be.revertedWithCustomError(f.stoa.registry, "InsufficientArbiterStake")
        .withArgs(f.a.arbiter.address, 0n, MIN_STAKE);
      await time.increaseTo(disputedAt + RULING_PERIOD);
      await expect(f.stoa.marketplace.connect(f.a.buyer).resolveUnruled(orderId, order))
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Unruled, [PRICE / 2n, PRICE / 2n - parseEther("0.005"), 0n, parseEther("0.005")]);
    });

    it("lets an arbiter that cancels its unbonding rule again", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await disputedOrder(f);
      await f.stoa.stakingVault.connect(f.a.arbiter).requestUnbonding();
      await f.stoa.stakingVault.connect(f.a.arbiter).cancelUnbonding();
      await expect(f.stoa.marketplace.connect(f.a.arbiter).rule(orderId, order, 10_000))
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Ruled, [PRICE - parseEther("0.03"), 0n, parseEther("0.03"), 0n]);
    });
  });

  describe("terms snapshotted at creation", function () {
    async function raiseFees(f: Fixture) {
      const registry = withTimelock(f);
      const params = await f.stoa.registry.params();
      await registry.setParams({
        protocolFeeBps: 500n,
        arbiterFeeBps: 1_000n,
        minDisputeWindow: params.minDisputeWindow,
        maxDeliveryPeriod: params.maxDeliveryPeriod,
        rulingPeriod: 2n * DAY,
        minArbiterStake: params.minArbiterStake,
      });
    }

    it("releases an order at the fee it was created with, while new orders take the new fee", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const old = await openOrder(f);
      await raiseFees(f);
      await expect(f.stoa.marketplace.connect(f.a.buyer).release(old.orderId, old.order))
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(old.orderId, Outcome.Released, [0n, PRICE - PRICE / 100n, 0n, PRICE / 100n]);
      const fresh = await openOrder(f);
      expect([fresh.order.protocolFeeBps, fresh.order.arbiterFeeBps, fresh.order.rulingPeriod]).to.deep.equal([
        500n,
        1_000n,
        2n * DAY,
      ]);
      await expect(f.stoa.marketplace.connect(f.a.buyer).release(fresh.orderId, fresh.order))
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(fresh.orderId, Outcome.Released, [0n, PRICE - PRICE / 20n, 0n, PRICE / 20n]);
    });

    it("rules an order at the arbiter and protocol fees it was created with", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await disputedOrder(f);
      await raiseFees(f);
      await expect(f.stoa.marketplace.connect(f.a.arbiter).rule(orderId, order, 2_500))
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Ruled, [
          parseEther("0.2425"),
          parseEther("0.720225"),
          parseEther("0.03"),
          parseEther("0.007275"),
        ]);
    });

    it("ends the ruling period of an order at the length it was created with", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order, disputedAt } = await disputedOrder(f);
      await raiseFees(f);
      await time.increaseTo(disputedAt + RULING_PERIOD);
      await expect(f.stoa.marketplace.connect(f.a.buyer).resolveUnruled(orderId, order))
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Unruled, [PRICE / 2n, PRICE / 2n - parseEther("0.005"), 0n, parseEther("0.005")]);
    });
  });

  describe("orderStatus", function () {
    it("reports None for id 0 and ids not yet created", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      expect(await f.stoa.marketplace.orderStatus(0n)).to.deep.equal([Status.None, 0n]);
      expect(await f.stoa.marketplace.orderStatus(1n)).to.deep.equal([Status.None, 0n]);
      await openOrder(f);
      expect(await f.stoa.marketplace.orderStatus(0n)).to.deep.equal([Status.None, 0n]);
      expect(await f.stoa.marketplace.orderStatus(2n)).to.deep.equal([Status.None, 0n]);
    });

    it("follows an order from Funded through Disputed to Settled", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order, disputedAt } = await disputedOrder(f);
      expect(await f.stoa.marketplace.orderStatus(orderId)).to.deep.equal([Status.Disputed, disputedAt]);
      await f.stoa.marketplace.connect(f.a.seller).refund(orderId, order);
      expect(await f.stoa.marketplace.orderStatus(orderId)).to.deep.equal([Status.Settled, 0n]);
    });
  });

  describe("matchesOrder", function () {
    it("is true only for the committed order of an open id", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await openOrder(f);
      expect(await f.stoa.marketplace.matchesOrder(orderId, order)).to.equal(true);
      expect(await f.stoa.marketplace.matchesOrder(orderId, { ...order, amount: PRICE - 1n })).to.equal(false);
      expect(await f.stoa.marketplace.matchesOrder(orderId + 1n, order)).to.equal(false);
      expect(await f.stoa.marketplace.matchesOrder(0n, order)).to.equal(false);
      await f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      expect(await f.stoa.marketplace.matchesOrder(orderId, order)).to.equal(false);
    });
  });
});
