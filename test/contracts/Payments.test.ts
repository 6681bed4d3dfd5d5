/**
 * Payments, the money layer under Marketplace (through Escrow) and AssetExchange: pushes that fail
 * become credits, `withdraw`, `sweepFees`, and ERC-20s that return no value (handled) or take a
 * fee on transfer (refused explicitly).
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { keccak256, parseEther, toUtf8Bytes, ZeroAddress, type ContractTransactionResponse } from "ethers";
import { network } from "hardhat";
import type { Marketplace } from "../../types/ethers-contracts/index.js";
import { type AssetOrder, createdOrder, DAY, deployStoa, devAccounts, signAssetOrder } from "../helpers/stoa.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

const Outcome = { Released: 0n, Claimed: 1n, Refunded: 2n, Ruled: 3n, Unruled: 4n } as const;
const PRICE = parseEther("1");
const FEE = PRICE / 100n;
const TOKENS = 1_000_000n * 10n ** 18n;
const MIN_STAKE = 1_000n * 10n ** 18n;
const ASSET_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

type Order = Marketplace.OrderStruct & { amount: bigint };

interface Approvable {
  connect(runner: HardhatEthersSigner): {
    approve(spender: string, amount: bigint): Promise<ContractTransactionResponse>;
  };
}

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
  const hook = await ethers.deployContract("HookToken");
  const noReturn = await ethers.deployContract("NoReturnToken");
  const feeOnTransfer = await ethers.deployContract("FeeOnTransferToken");
  for (const token of [hook, noReturn, feeOnTransfer]) {
    await registry.setPaymentToken(await token.getAddress(), true);
    await token.mint(a.buyer.address, TOKENS);
  }
  const rejecting = await ethers.deployContract("RejectingReceiver");
  const guzzler = await ethers.deployContract("GasGuzzler");
  const toggle = await ethers.deployContract("ToggleReceiver");
  await stoa.stoaAssets.connect(a.creator).setApprovalForAll(await stoa.assetExchange.getAddress(), true);
  return {
    stoa,
    a,
    timelock,
    registry,
    hook,
    noReturn,
    feeOnTransfer,
    rejecting,
    guzzler,
    toggle,
    market: await stoa.marketplace.getAddress(),
    exchange: await stoa.assetExchange.getAddress(),
    usd: await stoa.devStablecoin.getAddress(),
    treasury: await stoa.timelock.getAddress(),
  };
}
type Fixture = Awaited<ReturnType<typeof deployed>>;

async function now() {
  return BigInt(await time.latest());
}

async function request(
  f: Fixture,
  o: { seller?: string; arbiter?: string; token?: string; amount?: bigint } = {},
): Promise<Marketplace.OrderRequestStruct> {
  return {
    seller: o.seller ?? f.a.seller.address,
    arbiter: o.arbiter ?? f.a.arbiter.address,
    token: o.token ?? ZeroAddress,
    amount: o.amount ?? PRICE,
    listingHash: keccak256(toUtf8Bytes("listing-1")),
    deliveryDeadline: (await now()) + 7n * DAY,
  };
}

/** An ETH order paid by an EOA buyer. */
async function ethOrder(f: Fixture, o: { seller?: string; arbiter?: string } = {}) {
  const tx = await f.stoa.marketplace.connect(f.a.buyer).createOrder(await request(f, o), { value: PRICE });
  const created = await createdOrder(f.stoa.marketplace, tx.hash);
  return { orderId: created.orderId, order: created.order as Order };
}

/** An ERC-20 order paid by the EOA buyer with an allowance. */
async function tokenOrder(f: Fixture, token: Approvable & { getAddress(): Promise<string> }, amount: bigint) {
  await token.connect(f.a.buyer).approve(f.market, amount);
  const req = await request(f, { token: await token.getAddress(), amount });
  const tx = await f.stoa.marketplace.connect(f.a.buyer).createOrder(req);
  const created = await createdOrder(f.stoa.marketplace, tx.hash);
  return { orderId: created.orderId, order: created.order as Order };
}

/** Mints a StoaAssets token to the creator with a 5% royalty to `royaltyReceiver` and signs its sale. */
async function listedAsset(f: Fixture, o: { royaltyReceiver?: string; currency?: string } = {}) {
  await f.stoa.stoaAssets.connect(f.a.creator).mint(ASSET_CID, o.royaltyReceiver ?? f.a.other.address, 500n);
  const tokenId = await f.stoa.stoaAssets.totalMinted();
  const order: AssetOrder = {
    seller: f.a.creator.address,
    collection: await f.stoa.stoaAssets.getAddress(),
    tokenId,
    currency: o.currency ?? ZeroAddress,
    price: PRICE,
    nonce: tokenId,
    deadline: (await now()) + DAY,
  };
  return { order, signature: await signAssetOrder(f.a.creator, f.exchange, order) };
}

/** Puts a contract account with `execute` in the arbiter set with the minimum stake. */
async function contractArbiter(
  f: Fixture,
  account: { getAddress(): Promise<string>; execute(to: string, value: bigint, data: string): Promise<unknown> },
) {
  const address = await account.getAddress();
  const vault = await f.stoa.stakingVault.getAddress();
  await f.stoa.token.connect(f.a.deployer).transfer(address, MIN_STAKE);
  await account.execute(
    await f.stoa.token.getAddress(),
    0n,
    f.stoa.token.interface.encodeFunctionData("approve", [vault, MIN_STAKE]),
  );
  await account.execute(vault, 0n, f.stoa.stakingVault.interface.encodeFunctionData("deposit", [MIN_STAKE, address]));
  await f.registry.addArbiter(address, "bafy-arbiter-profile");
}

describe("Payments", function () {
  describe("constructor", function () {
    it("keeps the registry and the push gas limit", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const registry = await f.stoa.registry.getAddress();
      for (const payments of [f.stoa.marketplace, f.stoa.assetExchange]) {
        expect(await payments.registry()).to.equal(registry);
        expect(await payments.PUSH_GAS_LIMIT()).to.equal(30_000n);
      }
    });

    it("reverts with ZeroAddress without a registry", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      await expect(ethers.deployContract("Marketplace", [ZeroAddress])).to.be.revertedWithCustomError(
        f.stoa.marketplace,
        "ZeroAddress",
      );
      await expect(ethers.deployContract("AssetExchange", [ZeroAddress])).to.be.revertedWithCustomError(
        f.stoa.assetExchange,
        "ZeroAddress",
      );
    });
  });

  describe("failed pushes become credits", function () {
    it("credits a seller that rejects ETH, and the order still settles", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const seller = await f.rejecting.getAddress();
      const { orderId, order } = await ethOrder(f, { seller });
      const tx = f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "OrderSettled")
        .withArgs(orderId, Outcome.Released, [0n, PRICE - FEE, 0n, FEE]);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "Credited")
        .withArgs(seller, ZeroAddress, PRICE - FEE);
      await expect(tx).to.changeEtherBalances(ethers, [seller, f.market], [0n, 0n]);
      expect(await f.stoa.marketplace.credits(seller, ZeroAddress)).to.equal(PRICE - FEE);
      expect(await f.stoa.marketplace.accruedFees(ZeroAddress)).to.equal(FEE);
    });

    it("credits a seller that burns all the push gas, without failing the release", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const seller = await f.guzzler.getAddress();
      const { orderId, order } = await ethOrder(f, { seller });
      const tx = await f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "Credited")
        .withArgs(seller, ZeroAddress, PRICE - FEE);
      // The guzzler burns the 30,000 gas it is given, not the whole transaction.
      expect((await tx.wait())!.gasUsed).to.be.lessThan(150_000n);
      expect(await f.stoa.marketplace.credits(seller, ZeroAddress)).to.equal(PRICE - FEE);
    });

    it("credits a buyer that rejects its refund", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const buyer = await f.toggle.getAddress();
      const req = await request(f);
      const created = await f.toggle.execute(
        f.market,
        PRICE,
        f.stoa.marketplace.interface.encodeFunctionData("createOrder", [req]),
        { value: PRICE },
      );
      const { orderId, order } = await createdOrder(f.stoa.marketplace, created.hash);
      expect(order.buyer).to.equal(buyer);
      const tx = f.stoa.marketplace.connect(f.a.seller).refund(orderId, order);
      await expect(tx).to.emit(f.stoa.marketplace, "Credited").withArgs(buyer, ZeroAddress, PRICE);
      await expect(tx).to.changeEtherBalances(ethers, [buyer, f.market], [0n, 0n]);
      expect(await f.stoa.marketplace.credits(buyer, ZeroAddress)).to.equal(PRICE);
    });

    it("credits an arbiter that rejects its fee, and still pays both parties", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const arbiter = await f.toggle.getAddress();
      await contractArbiter(f, f.toggle);
      const { orderId, order } = await ethOrder(f, { arbiter });
      await f.stoa.marketplace.connect(f.a.buyer).dispute(orderId, order);
      const tx = f.toggle.execute(
        f.market,
        0n,
        f.stoa.marketplace.interface.encodeFunctionData("rule", [orderId, order, 5_000]),
      );
      // 3% = 0.03 credited; 0.485 each side, the seller's paying 1% (0.00485).
      await expect(tx).to.emit(f.stoa.marketplace, "Credited").withArgs(arbiter, ZeroAddress, parseEther("0.03"));
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.a.buyer, f.a.seller, arbiter, f.market],
        [parseEther("0.485"), parseEther("0.48015"), 0n, -parseEther("0.96515")],
      );
      expect(await f.stoa.marketplace.credits(arbiter, ZeroAddress)).to.equal(parseEther("0.03"));
    });

    it("credits a seller that the token blocks", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const hook = await f.hook.getAddress();
      const { orderId, order } = await tokenOrder(f, f.hook, PRICE);
      await f.hook.setBlocked(f.a.seller.address, true);
      const tx = f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "Credited")
        .withArgs(f.a.seller.address, hook, PRICE - FEE);
      await expect(tx).to.changeTokenBalances(ethers, f.hook, [f.a.seller, f.market], [0n, 0n]);
      expect(await f.stoa.marketplace.credits(f.a.seller.address, hook)).to.equal(PRICE - FEE);
    });

    it("credits a royalty receiver that rejects ETH, and still pays the asset seller", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const receiver = await f.rejecting.getAddress();
      const { order, signature } = await listedAsset(f, { royaltyReceiver: receiver });
      // 5% royalty = 0.05, 1% fee = 0.01, seller 0.94.
      const tx = f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE });
      await expect(tx).to.emit(f.stoa.assetExchange, "Credited").withArgs(receiver, ZeroAddress, parseEther("0.05"));
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.a.buyer, f.a.creator, receiver, f.exchange],
        [-PRICE, parseEther("0.94"), 0n, parseEther("0.06")],
      );
      expect(await f.stoa.assetExchange.credits(receiver, ZeroAddress)).to.equal(parseEther("0.05"));
    });

    it("credits an asset seller that the token blocks", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const hook = await f.hook.getAddress();
      const { order, signature } = await listedAsset(f, { currency: hook });
      await f.hook.connect(f.a.buyer).approve(f.exchange, PRICE);
      await f.hook.setBlocked(f.a.creator.address, true);
      const tx = f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature);
      await expect(tx)
        .to.emit(f.stoa.assetExchange, "Credited")
        .withArgs(f.a.creator.address, hook, parseEther("0.94"));
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.hook,
        [f.a.buyer, f.a.creator, f.a.other, f.exchange],
        [-PRICE, 0n, parseEther("0.05"), parseEther("0.95")],
      );
    });
  });

  describe("withdraw", function () {
    async function creditedToggle(f: Fixture) {
      const account = await f.toggle.getAddress();
      const { orderId, order } = await ethOrder(f, { seller: account });
      await f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      return account;
    }

    function withdrawCall(f: Fixture, token: string, to: string) {
      return f.stoa.marketplace.interface.encodeFunctionData("withdraw", [token, to]);
    }

    it("sends an ETH credit to the address the account names", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const account = await creditedToggle(f);
      const tx = f.toggle.execute(f.market, 0n, withdrawCall(f, ZeroAddress, f.a.outsider.address));
      await expect(tx)
        .to.emit(f.stoa.marketplace, "Withdrawn")
        .withArgs(account, ZeroAddress, PRICE - FEE, f.a.outsider.address);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [account, f.a.outsider, f.market],
        [0n, PRICE - FEE, -(PRICE - FEE)],
      );
      expect(await f.stoa.marketplace.credits(account, ZeroAddress)).to.equal(0n);
    });

    it("sends an ETH credit to the account itself once it accepts ETH", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const account = await creditedToggle(f);
      await f.toggle.setAccepting(true);
      const tx = f.toggle.execute(f.market, 0n, withdrawCall(f, ZeroAddress, account));
      await expect(tx)
        .to.emit(f.stoa.marketplace, "Withdrawn")
        .withArgs(account, ZeroAddress, PRICE - FEE, account);
      await expect(tx).to.changeEtherBalances(ethers, [account, f.market], [PRICE - FEE, -(PRICE - FEE)]);
    });

    it("reverts with WithdrawalFailed when the receiver rejects ETH, and keeps the credit", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const account = await creditedToggle(f);
      for (const to of [account, await f.rejecting.getAddress()]) {
        await expect(f.toggle.execute(f.market, 0n, withdrawCall(f, ZeroAddress, to)))
          .to.be.revertedWithCustomError(f.stoa.marketplace, "WithdrawalFailed")
          .withArgs(account, ZeroAddress, PRICE - FEE);
      }
      expect(await f.stoa.marketplace.credits(account, ZeroAddress)).to.equal(PRICE - FEE);
    });

    it("reverts with NothingToWithdraw once the credit is withdrawn", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const account = await creditedToggle(f);
      await f.toggle.execute(f.market, 0n, withdrawCall(f, ZeroAddress, f.a.outsider.address));
      await expect(f.toggle.execute(f.market, 0n, withdrawCall(f, ZeroAddress, f.a.outsider.address)))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "NothingToWithdraw")
        .withArgs(account, ZeroAddress);
    });

    it("reverts with NothingToWithdraw for an account without credit, in ETH or a token", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      await expect(f.stoa.marketplace.connect(f.a.outsider).withdraw(ZeroAddress, f.a.outsider.address))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "NothingToWithdraw")
        .withArgs(f.a.outsider.address, ZeroAddress);
      await expect(f.stoa.assetExchange.connect(f.a.outsider).withdraw(f.usd, f.a.outsider.address))
        .to.be.revertedWithCustomError(f.stoa.assetExchange, "NothingToWithdraw")
        .withArgs(f.a.outsider.address, f.usd);
    });

    it("reverts with ZeroAddress for the zero receiver, before anything else", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const account = await creditedToggle(f);
      await expect(
        f.toggle.execute(f.market, 0n, withdrawCall(f, ZeroAddress, ZeroAddress)),
      ).to.be.revertedWithCustomError(f.stoa.marketplace, "ZeroAddress");
      await expect(
        f.stoa.marketplace.connect(f.a.outsider).withdraw(ZeroAddress, ZeroAddress),
      ).to.be.revertedWithCustomError(f.stoa.marketplace, "ZeroAddress");
      expect(await f.stoa.marketplace.credits(account, ZeroAddress)).to.equal(PRICE - FEE);
    });

    it("sends a token credit once the token unblocks the account", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const hook = await f.hook.getAddress();
      const { orderId, order } = await tokenOrder(f, f.hook, PRICE);
      await f.hook.setBlocked(f.a.seller.address, true);
      await f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      await expect(f.stoa.marketplace.connect(f.a.seller).withdraw(hook, f.a.seller.address)).to.be.revertedWith(
        "blocked",
      );
      expect(await f.stoa.marketplace.credits(f.a.seller.address, hook)).to.equal(PRICE - FEE);
      await f.hook.setBlocked(f.a.seller.address, false);
      const tx = f.stoa.marketplace.connect(f.a.seller).withdraw(hook, f.a.seller.address);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "Withdrawn")
        .withArgs(f.a.seller.address, hook, PRICE - FEE, f.a.seller.address);
      await expect(tx).to.changeTokenBalances(ethers, f.hook, [f.a.seller, f.market], [PRICE - FEE, -(PRICE - FEE)]);
      expect(await f.stoa.marketplace.credits(f.a.seller.address, hook)).to.equal(0n);
    });

    it("sends a token credit of a still-blocked account to another address", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const hook = await f.hook.getAddress();
      const { orderId, order } = await tokenOrder(f, f.hook, PRICE);
      await f.hook.setBlocked(f.a.seller.address, true);
      await f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      const tx = f.stoa.marketplace.connect(f.a.seller).withdraw(hook, f.a.other.address);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "Withdrawn")
        .withArgs(f.a.seller.address, hook, PRICE - FEE, f.a.other.address);
      await expect(tx).to.changeTokenBalances(ethers, f.hook, [f.a.other, f.market], [PRICE - FEE, -(PRICE - FEE)]);
    });

    it("sends a royalty credit held by the asset exchange", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const receiver = await f.rejecting.getAddress();
      const { order, signature } = await listedAsset(f, { royaltyReceiver: receiver });
      await f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE });
      const tx = f.rejecting.execute(
        f.exchange,
        0n,
        f.stoa.assetExchange.interface.encodeFunctionData("withdraw", [ZeroAddress, f.a.outsider.address]),
      );
      await expect(tx)
        .to.emit(f.stoa.assetExchange, "Withdrawn")
        .withArgs(receiver, ZeroAddress, parseEther("0.05"), f.a.outsider.address);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.a.outsider, f.exchange],
        [parseEther("0.05"), -parseEther("0.05")],
      );
    });
  });

  describe("sweepFees", function () {
    it("sends the accrued ETH fees to the treasury, whoever calls", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      for (let i = 0; i < 2; i++) {
        const { orderId, order } = await ethOrder(f);
        await f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      }
      const tx = f.stoa.marketplace.connect(f.a.outsider).sweepFees(ZeroAddress);
      await expect(tx)
        .to.emit(f.stoa.marketplace, "FeesSwept")
        .withArgs(ZeroAddress, f.treasury, 2n * FEE);
      await expect(tx).to.changeEtherBalances(ethers, [f.treasury, f.market], [2n * FEE, -2n * FEE]);
      expect(await f.stoa.marketplace.accruedFees(ZeroAddress)).to.equal(0n);
    });

    it("sends the accrued dUSD fees to the treasury", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      await f.stoa.devStablecoin.faucet(f.a.buyer.address, 25_000_033n);
      const { orderId, order } = await tokenOrder(f, f.stoa.devStablecoin, 25_000_033n);
      await f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      const tx = f.stoa.marketplace.connect(f.a.outsider).sweepFees(f.usd);
      await expect(tx).to.emit(f.stoa.marketplace, "FeesSwept").withArgs(f.usd, f.treasury, 250_000n);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.stoa.devStablecoin,
        [f.treasury, f.market],
        [250_000n, -250_000n],
      );
      expect(await f.stoa.marketplace.accruedFees(f.usd)).to.equal(0n);
    });

    it("follows the treasury the DAO sets", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await ethOrder(f);
      await f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      await f.registry.setTreasury(f.a.outsider.address);
      const tx = f.stoa.marketplace.sweepFees(ZeroAddress);
      await expect(tx).to.emit(f.stoa.marketplace, "FeesSwept").withArgs(ZeroAddress, f.a.outsider.address, FEE);
      await expect(tx).to.changeEtherBalances(ethers, [f.a.outsider, f.treasury], [FEE, 0n]);
    });

    it("sends the asset exchange's fees to the treasury", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { order, signature } = await listedAsset(f);
      await f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE });
      const tx = f.stoa.assetExchange.connect(f.a.outsider).sweepFees(ZeroAddress);
      await expect(tx).to.emit(f.stoa.assetExchange, "FeesSwept").withArgs(ZeroAddress, f.treasury, FEE);
      await expect(tx).to.changeEtherBalances(ethers, [f.treasury, f.exchange], [FEE, -FEE]);
    });

    it("reverts with NothingToWithdraw when no fee accrued, or all were swept", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      await expect(f.stoa.marketplace.sweepFees(ZeroAddress))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "NothingToWithdraw")
        .withArgs(f.market, ZeroAddress);
      await expect(f.stoa.assetExchange.sweepFees(f.usd))
        .to.be.revertedWithCustomError(f.stoa.assetExchange, "NothingToWithdraw")
        .withArgs(f.exchange, f.usd);
      const { orderId, order } = await ethOrder(f);
      await f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      await f.stoa.marketplace.sweepFees(ZeroAddress);
      await expect(f.stoa.marketplace.sweepFees(ZeroAddress))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "NothingToWithdraw")
        .withArgs(f.market, ZeroAddress);
    });

    it("reverts with WithdrawalFailed when the treasury rejects ETH, and keeps the fees", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { orderId, order } = await ethOrder(f);
      await f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      const rejecting = await f.rejecting.getAddress();
      await f.registry.setTreasury(rejecting);
      await expect(f.stoa.marketplace.sweepFees(ZeroAddress))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "WithdrawalFailed")
        .withArgs(rejecting, ZeroAddress, FEE);
      expect(await f.stoa.marketplace.accruedFees(ZeroAddress)).to.equal(FEE);
    });

    it("reverts with the token's error when the token blocks the treasury, and keeps the fees", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const hook = await f.hook.getAddress();
      const { orderId, order } = await tokenOrder(f, f.hook, PRICE);
      await f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      await f.hook.setBlocked(f.treasury, true);
      await expect(f.stoa.marketplace.sweepFees(hook)).to.be.revertedWith("blocked");
      expect(await f.stoa.marketplace.accruedFees(hook)).to.equal(FEE);
    });
  });

  describe("ERC-20s that return no value (allow-listed)", function () {
    it("escrows, releases and sweeps fees end to end", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const token = await f.noReturn.getAddress();
      const { orderId, order } = await tokenOrder(f, f.noReturn, PRICE);
      expect(await f.noReturn.balanceOf(f.market)).to.equal(PRICE);
      const tx = f.stoa.marketplace.connect(f.a.buyer).release(orderId, order);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.noReturn,
        [f.a.seller, f.market],
        [PRICE - FEE, -(PRICE - FEE)],
      );
      await expect(tx).not.to.emit(f.stoa.marketplace, "Credited");
      await expect(f.stoa.marketplace.sweepFees(token)).to.changeTokenBalances(
        ethers,
        f.noReturn,
        [f.treasury, f.market],
        [FEE, -FEE],
      );
    });

    it("refunds and rules end to end", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const refunded = await tokenOrder(f, f.noReturn, PRICE);
      await expect(
        f.stoa.marketplace.connect(f.a.seller).refund(refunded.orderId, refunded.order),
      ).to.changeTokenBalances(ethers, f.noReturn, [f.a.buyer, f.market], [PRICE, -PRICE]);
      const ruled = await tokenOrder(f, f.noReturn, PRICE);
      await f.stoa.marketplace.connect(f.a.buyer).dispute(ruled.orderId, ruled.order);
      await expect(
        f.stoa.marketplace.connect(f.a.arbiter).rule(ruled.orderId, ruled.order, 5_000),
      ).to.changeTokenBalances(
        ethers,
        f.noReturn,
        [f.a.buyer, f.a.seller, f.a.arbiter, f.market],
        [parseEther("0.485"), parseEther("0.48015"), parseEther("0.03"), -parseEther("0.99515")],
      );
    });

    it("uses the allowance when the token has no permit", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const req = await request(f, { token: await f.noReturn.getAddress() });
      await f.noReturn.connect(f.a.buyer).approve(f.market, PRICE);
      await expect(
        f.stoa.marketplace.connect(f.a.buyer).createOrderWithPermit(req, 0n, 27, ethers.ZeroHash, ethers.ZeroHash),
      ).to.changeTokenBalances(ethers, f.noReturn, [f.a.buyer, f.market], [-PRICE, PRICE]);
    });

    it("pays an asset sale end to end", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { order, signature } = await listedAsset(f, { currency: await f.noReturn.getAddress() });
      await f.noReturn.connect(f.a.buyer).approve(f.exchange, PRICE);
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature)).to.changeTokenBalances(
        ethers,
        f.noReturn,
        [f.a.buyer, f.a.creator, f.a.other, f.exchange],
        [-PRICE, parseEther("0.94"), parseEther("0.05"), FEE],
      );
      expect(await f.stoa.stoaAssets.ownerOf(order.tokenId)).to.equal(f.a.buyer.address);
    });
  });

  describe("fee-on-transfer tokens (allow-listed)", function () {
    it("refuses an order with FeeOnTransferNotSupported", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const token = await f.feeOnTransfer.getAddress();
      await f.feeOnTransfer.connect(f.a.buyer).approve(f.market, PRICE);
      const req = await request(f, { token });
      await expect(f.stoa.marketplace.connect(f.a.buyer).createOrder(req))
        .to.be.revertedWithCustomError(f.stoa.marketplace, "FeeOnTransferNotSupported")
        .withArgs(token, PRICE, PRICE - PRICE / 100n);
      expect(await f.feeOnTransfer.balanceOf(f.market)).to.equal(0n);
      expect(await f.stoa.marketplace.orderCount()).to.equal(0n);
    });

    it("refuses an asset sale with FeeOnTransferNotSupported", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const token = await f.feeOnTransfer.getAddress();
      const { order, signature } = await listedAsset(f, { currency: token });
      await f.feeOnTransfer.connect(f.a.buyer).approve(f.exchange, PRICE);
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature))
        .to.be.revertedWithCustomError(f.stoa.assetExchange, "FeeOnTransferNotSupported")
        .withArgs(token, PRICE, PRICE - PRICE / 100n);
      expect(await f.stoa.stoaAssets.ownerOf(order.tokenId)).to.equal(f.a.creator.address);
    });
  });
});
