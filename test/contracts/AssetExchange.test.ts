/**
 * AssetExchange: ERC-721 sales through signed EIP-712 orders, with ERC-2981 royalties and the
 * protocol fee. One `describe` per external function: success paths with exact balances and
 * events, and every revert with its custom error and arguments.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { id, parseEther, TypedDataEncoder, ZeroAddress } from "ethers";
import { network } from "hardhat";
import { ASSET_ORDER_TYPES, type AssetOrder, DAY, deployStoa, devAccounts, signAssetOrder } from "../helpers/stoa.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

const PRICE = parseEther("2");
/** 5% of 2 ETH */
const ROYALTY = parseEther("0.1");
/** 1% of 2 ETH */
const FEE = parseEther("0.02");
const ASSET_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

async function impersonate(address: string) {
  await networkHelpers.impersonateAccount(address);
  await networkHelpers.setBalance(address, parseEther("10"));
  return ethers.getSigner(address);
}

async function deployed() {
  const stoa = await deployStoa(connection);
  const a = await devAccounts(ethers);
  const timelock = await impersonate(await stoa.timelock.getAddress());
  const exchange = await stoa.assetExchange.getAddress();
  // Token 1: the creator's, 5% royalty to `other`.
  await stoa.stoaAssets.connect(a.creator).mint(ASSET_CID, a.other.address, 500n);
  await stoa.stoaAssets.connect(a.creator).setApprovalForAll(exchange, true);
  await stoa.devStablecoin.faucet(a.buyer.address, 10_000_000_000n);
  return {
    stoa,
    a,
    registry: stoa.registry.connect(timelock),
    exchange,
    collection: await stoa.stoaAssets.getAddress(),
    usd: await stoa.devStablecoin.getAddress(),
  };
}
type Fixture = Awaited<ReturnType<typeof deployed>>;

async function now() {
  return BigInt(await time.latest());
}

async function assetOrder(f: Fixture, o: Partial<AssetOrder> = {}): Promise<AssetOrder> {
  return {
    seller: f.a.creator.address,
    collection: f.collection,
    tokenId: 1n,
    currency: ZeroAddress,
    price: PRICE,
    nonce: 0n,
    deadline: (await now()) + DAY,
    ...o,
  };
}

function domain(f: Fixture, chainId = 31337n, verifyingContract = f.exchange) {
  return { name: "Stoa Asset Exchange", version: "1", chainId, verifyingContract };
}

/** The EIP-712 digest of `order`, computed by ethers rather than by the contract. */
function digest(f: Fixture, order: AssetOrder) {
  return TypedDataEncoder.hash(domain(f), ASSET_ORDER_TYPES, order);
}

async function signed(f: Fixture, o: Partial<AssetOrder> = {}, signer: HardhatEthersSigner = f.a.creator) {
  const order = await assetOrder(f, o);
  return { order, signature: await signAssetOrder(signer, f.exchange, order) };
}

describe("AssetExchange", function () {
  describe("fill", function () {
    it("sells for ETH: royalty to the creator's receiver, fee accrued, the rest to the seller", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { order, signature } = await signed(f);
      const tx = f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE });
      await expect(tx)
        .to.emit(f.stoa.assetExchange, "AssetOrderFilled")
        .withArgs(digest(f, order), f.a.creator.address, f.a.buyer.address, 1n, ROYALTY, f.a.other.address, FEE);
      await expect(tx).to.emit(f.stoa.stoaAssets, "Transfer").withArgs(f.a.creator.address, f.a.buyer.address, 1n);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.a.buyer, f.a.creator, f.a.other, f.exchange],
        [-PRICE, PRICE - ROYALTY - FEE, ROYALTY, FEE],
      );
      await expect(tx).not.to.emit(f.stoa.assetExchange, "Credited");
      expect(await f.stoa.stoaAssets.ownerOf(1n)).to.equal(f.a.buyer.address);
      expect(await f.stoa.assetExchange.accruedFees(ZeroAddress)).to.equal(FEE);
      expect(await f.stoa.assetExchange.isNonceAvailable(f.a.creator.address, 0n)).to.equal(false);
    });

    it("sells for dUSD, royalty and fee rounded down", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      // 25.000033 dUSD: royalty 5% = 1,250,001.65 -> 1,250,001; fee 1% = 250,000.33 -> 250,000;
      // seller 25,000,033 - 1,250,001 - 250,000 = 23,500,032.
      const price = 25_000_033n;
      const { order, signature } = await signed(f, { currency: f.usd, price });
      await f.stoa.devStablecoin.connect(f.a.buyer).approve(f.exchange, price);
      const tx = f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature);
      await expect(tx)
        .to.emit(f.stoa.assetExchange, "AssetOrderFilled")
        .withArgs(
          digest(f, order),
          f.a.creator.address,
          f.a.buyer.address,
          1n,
          1_250_001n,
          f.a.other.address,
          250_000n,
        );
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.stoa.devStablecoin,
        [f.a.buyer, f.a.creator, f.a.other, f.exchange],
        [-price, 23_500_032n, 1_250_001n, 250_000n],
      );
      expect(await f.stoa.stoaAssets.ownerOf(1n)).to.equal(f.a.buyer.address);
      expect(await f.stoa.assetExchange.accruedFees(f.usd)).to.equal(250_000n);
    });

    it("accepts an order up to its deadline second", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { order, signature } = await signed(f);
      await time.setNextBlockTimestamp(order.deadline);
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE })).to.emit(
        f.stoa.assetExchange,
        "AssetOrderFilled",
      );
    });

    it("pays no royalty for a collection without ERC-2981", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const collection = await ethers.deployContract("NoRoyaltyCollection");
      await collection.mint(f.a.creator.address, 7n);
      await collection.connect(f.a.creator).setApprovalForAll(f.exchange, true);
      const { order, signature } = await signed(f, { collection: await collection.getAddress(), tokenId: 7n });
      const tx = f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE });
      await expect(tx)
        .to.emit(f.stoa.assetExchange, "AssetOrderFilled")
        .withArgs(digest(f, order), f.a.creator.address, f.a.buyer.address, 7n, 0n, ZeroAddress, FEE);
      await expect(tx).to.changeEtherBalances(ethers, [f.a.buyer, f.a.creator, f.exchange], [-PRICE, PRICE - FEE, FEE]);
      expect(await collection.ownerOf(7n)).to.equal(f.a.buyer.address);
    });

    it("pays no royalty when royaltyInfo answers with empty data", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const collection = await ethers.deployContract("SilentRoyaltyCollection");
      await collection.mint(f.a.creator.address, 7n);
      await collection.connect(f.a.creator).setApprovalForAll(f.exchange, true);
      const { order, signature } = await signed(f, { collection: await collection.getAddress(), tokenId: 7n });
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE }))
        .to.emit(f.stoa.assetExchange, "AssetOrderFilled")
        .withArgs(digest(f, order), f.a.creator.address, f.a.buyer.address, 7n, 0n, ZeroAddress, FEE);
    });

    it("pays no royalty for a token minted without a royalty receiver", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      await f.stoa.stoaAssets.connect(f.a.creator).mint(ASSET_CID, ZeroAddress, 500n);
      const { order, signature } = await signed(f, { tokenId: 2n });
      const tx = f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE });
      await expect(tx)
        .to.emit(f.stoa.assetExchange, "AssetOrderFilled")
        .withArgs(digest(f, order), f.a.creator.address, f.a.buyer.address, 2n, 0n, ZeroAddress, FEE);
      await expect(tx).to.changeEtherBalances(ethers, [f.a.creator, f.a.other], [PRICE - FEE, 0n]);
    });

    it("ignores a royalty amount named for the zero receiver", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const collection = await ethers.deployContract("GreedyRoyaltyCollection");
      await collection.mint(f.a.creator.address, 7n);
      await collection.setRoyalty(ZeroAddress, 5_000n);
      await collection.connect(f.a.creator).setApprovalForAll(f.exchange, true);
      const { order, signature } = await signed(f, { collection: await collection.getAddress(), tokenId: 7n });
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE }))
        .to.emit(f.stoa.assetExchange, "AssetOrderFilled")
        .withArgs(digest(f, order), f.a.creator.address, f.a.buyer.address, 7n, 0n, ZeroAddress, FEE);
    });

    it("pays a royalty that takes all but the fee, leaving the seller nothing", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const collection = await ethers.deployContract("GreedyRoyaltyCollection");
      await collection.mint(f.a.creator.address, 7n);
      await collection.setRoyalty(f.a.other.address, 9_900n);
      await collection.connect(f.a.creator).setApprovalForAll(f.exchange, true);
      const { order, signature } = await signed(f, { collection: await collection.getAddress(), tokenId: 7n });
      const tx = f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE });
      await expect(tx).to.changeEtherBalances(
        ethers,
        [f.a.buyer, f.a.creator, f.a.other, f.exchange],
        [-PRICE, 0n, PRICE - FEE, FEE],
      );
      await expect(tx).not.to.emit(f.stoa.assetExchange, "Credited");
    });

    it("reverts with RoyaltyAbovePrice when royalty and fee exceed the price", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const collection = await ethers.deployContract("GreedyRoyaltyCollection");
      await collection.mint(f.a.creator.address, 7n);
      await collection.setRoyalty(f.a.other.address, 9_901n);
      await collection.connect(f.a.creator).setApprovalForAll(f.exchange, true);
      const { order, signature } = await signed(f, { collection: await collection.getAddress(), tokenId: 7n });
      // 99.01% of 2 ETH = 1.9802, above 2 - 0.02.
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.assetExchange, "RoyaltyAbovePrice")
        .withArgs(parseEther("1.9802"), FEE, PRICE);
    });

    it("sells for an ERC-1271 wallet that signs through its owner", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const wallet = await ethers.deployContract("ERC1271Wallet", [f.a.creator.address]);
      const walletAddress = await wallet.getAddress();
      await f.stoa.stoaAssets.connect(f.a.creator).transferFrom(f.a.creator.address, walletAddress, 1n);
      await wallet
        .connect(f.a.creator)
        .execute(
          f.collection,
          0n,
          f.stoa.stoaAssets.interface.encodeFunctionData("setApprovalForAll", [f.exchange, true]),
        );
      const order = await assetOrder(f, { seller: walletAddress });
      const signature = await signAssetOrder(f.a.creator, f.exchange, order);
      const tx = f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE });
      await expect(tx)
        .to.emit(f.stoa.assetExchange, "AssetOrderFilled")
        .withArgs(digest(f, order), walletAddress, f.a.buyer.address, 1n, ROYALTY, f.a.other.address, FEE);
      await expect(tx).to.changeEtherBalances(ethers, [walletAddress, f.a.other], [PRICE - ROYALTY - FEE, ROYALTY]);
      expect(await f.stoa.stoaAssets.ownerOf(1n)).to.equal(f.a.buyer.address);
    });

    it("reverts with InvalidSignature when an ERC-1271 wallet's owner did not sign", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const wallet = await ethers.deployContract("ERC1271Wallet", [f.a.creator.address]);
      const walletAddress = await wallet.getAddress();
      const order = await assetOrder(f, { seller: walletAddress });
      const signature = await signAssetOrder(f.a.other, f.exchange, order);
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.assetExchange, "InvalidSignature")
        .withArgs(walletAddress);
    });

    it("reverts with OrderExpired after the deadline", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { order, signature } = await signed(f);
      await time.setNextBlockTimestamp(order.deadline + 1n);
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.assetExchange, "OrderExpired")
        .withArgs(order.deadline);
    });

    it("reverts with NonceUsed for a filled order and for another order on the same nonce", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { order, signature } = await signed(f);
      await f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE });
      await expect(f.stoa.assetExchange.connect(f.a.outsider).fill(order, signature, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.assetExchange, "NonceUsed")
        .withArgs(f.a.creator.address, 0n);
      await f.stoa.stoaAssets.connect(f.a.creator).mint(ASSET_CID, f.a.other.address, 500n);
      const second = await signed(f, { tokenId: 2n });
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(second.order, second.signature, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.assetExchange, "NonceUsed")
        .withArgs(f.a.creator.address, 0n);
    });

    it("reverts with InvalidSignature for a signature by anyone but the seller", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { order, signature } = await signed(f, {}, f.a.other);
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.assetExchange, "InvalidSignature")
        .withArgs(f.a.creator.address);
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, "0x1234", { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.assetExchange, "InvalidSignature")
        .withArgs(f.a.creator.address);
    });

    it("reverts with InvalidSignature for any tampered field, and leaves the nonce available", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { order, signature } = await signed(f);
      const noRoyalty = await ethers.deployContract("NoRoyaltyCollection");
      const tampered: AssetOrder[] = [
        { ...order, seller: f.a.other.address },
        { ...order, collection: await noRoyalty.getAddress() },
        { ...order, tokenId: 2n },
        { ...order, currency: f.usd },
        { ...order, price: PRICE - 1n },
        { ...order, nonce: 1n },
        { ...order, deadline: order.deadline + 1n },
      ];
      for (const fake of tampered) {
        const value = fake.currency === ZeroAddress ? fake.price : 0n;
        await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(fake, signature, { value }))
          .to.be.revertedWithCustomError(f.stoa.assetExchange, "InvalidSignature")
          .withArgs(fake.seller);
      }
      expect(await f.stoa.assetExchange.isNonceAvailable(f.a.creator.address, 0n)).to.equal(true);
      expect(await f.stoa.assetExchange.isNonceAvailable(f.a.creator.address, 1n)).to.equal(true);
    });

    it("reverts with SelfPurchase when the seller fills its own order", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { order, signature } = await signed(f);
      await expect(f.stoa.assetExchange.connect(f.a.creator).fill(order, signature, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.assetExchange, "SelfPurchase")
        .withArgs(f.a.creator.address);
    });

    it("reverts with WrongEthValue when the value is not the price", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { order, signature } = await signed(f);
      const exchange = f.stoa.assetExchange.connect(f.a.buyer);
      await expect(exchange.fill(order, signature, { value: PRICE - 1n }))
        .to.be.revertedWithCustomError(exchange, "WrongEthValue")
        .withArgs(PRICE - 1n, PRICE);
      await expect(exchange.fill(order, signature))
        .to.be.revertedWithCustomError(exchange, "WrongEthValue")
        .withArgs(0n, PRICE);
      const usdOrder = await signed(f, { currency: f.usd, price: 1_000_000n, nonce: 1n });
      await f.stoa.devStablecoin.connect(f.a.buyer).approve(f.exchange, 1_000_000n);
      await expect(exchange.fill(usdOrder.order, usdOrder.signature, { value: 1n }))
        .to.be.revertedWithCustomError(exchange, "WrongEthValue")
        .withArgs(1n, 0n);
    });

    it("reverts with ZeroAmount for a price of zero", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { order, signature } = await signed(f, { price: 0n });
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature)).to.be.revertedWithCustomError(
        f.stoa.assetExchange,
        "ZeroAmount",
      );
    });

    it("reverts with the registry's AccountIsDenied for a denied buyer or seller", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { order, signature } = await signed(f);
      await f.registry.deny(f.a.buyer.address, "bafy-buyer");
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.registry, "AccountIsDenied")
        .withArgs(f.a.buyer.address);
      await f.registry.deny(f.a.creator.address, "bafy-seller");
      await expect(f.stoa.assetExchange.connect(f.a.outsider).fill(order, signature, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.registry, "AccountIsDenied")
        .withArgs(f.a.creator.address);
    });

    it("reverts with the registry's PaymentTokenNotAllowed for a currency the DAO did not accept", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const stoaToken = await f.stoa.token.getAddress();
      const { order, signature } = await signed(f, { currency: stoaToken });
      await f.stoa.token.connect(f.a.buyer).approve(f.exchange, PRICE);
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature))
        .to.be.revertedWithCustomError(f.stoa.registry, "PaymentTokenNotAllowed")
        .withArgs(stoaToken);
    });

    it("reverts with the collection's error when the seller did not approve the exchange", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      await f.stoa.stoaAssets.connect(f.a.creator).setApprovalForAll(f.exchange, false);
      const { order, signature } = await signed(f);
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.stoaAssets, "ERC721InsufficientApproval")
        .withArgs(f.exchange, 1n);
    });

    it("reverts with the collection's error for a contract buyer that cannot receive ERC-721s", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const buyer = await ethers.deployContract("ToggleReceiver");
      const { order, signature } = await signed(f);
      await expect(
        buyer.execute(
          f.exchange,
          PRICE,
          f.stoa.assetExchange.interface.encodeFunctionData("fill", [order, signature]),
          {
            value: PRICE,
          },
        ),
      )
        .to.be.revertedWithCustomError(f.stoa.stoaAssets, "ERC721InvalidReceiver")
        .withArgs(await buyer.getAddress());
    });
  });

  describe("cancel", function () {
    it("uses the nonce so that the order can no longer be filled", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const { order, signature } = await signed(f, { nonce: 5n });
      await expect(f.stoa.assetExchange.connect(f.a.creator).cancel(5n))
        .to.emit(f.stoa.assetExchange, "AssetOrderCancelled")
        .withArgs(f.a.creator.address, 5n);
      expect(await f.stoa.assetExchange.isNonceAvailable(f.a.creator.address, 5n)).to.equal(false);
      expect(await f.stoa.assetExchange.nonceBitmap(f.a.creator.address, 0n)).to.equal(1n << 5n);
      await expect(f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE }))
        .to.be.revertedWithCustomError(f.stoa.assetExchange, "NonceUsed")
        .withArgs(f.a.creator.address, 5n);
    });

    it("leaves other nonces and other sellers' nonces available", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      await f.stoa.assetExchange.connect(f.a.creator).cancel(5n);
      expect(await f.stoa.assetExchange.isNonceAvailable(f.a.creator.address, 4n)).to.equal(true);
      expect(await f.stoa.assetExchange.isNonceAvailable(f.a.creator.address, 6n)).to.equal(true);
      expect(await f.stoa.assetExchange.isNonceAvailable(f.a.other.address, 5n)).to.equal(true);
    });

    it("reverts with NonceUsed for a used, cancelled or below-minimum nonce", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const exchange = f.stoa.assetExchange.connect(f.a.creator);
      const { order, signature } = await signed(f);
      await f.stoa.assetExchange.connect(f.a.buyer).fill(order, signature, { value: PRICE });
      await expect(exchange.cancel(0n))
        .to.be.revertedWithCustomError(exchange, "NonceUsed")
        .withArgs(f.a.creator.address, 0n);
      await exchange.cancel(7n);
      await expect(exchange.cancel(7n))
        .to.be.revertedWithCustomError(exchange, "NonceUsed")
        .withArgs(f.a.creator.address, 7n);
      await exchange.cancelAllBelow(100n);
      await expect(exchange.cancel(99n))
        .to.be.revertedWithCustomError(exchange, "NonceUsed")
        .withArgs(f.a.creator.address, 99n);
    });
  });

  describe("cancelAllBelow", function () {
    it("cancels every nonce below the new minimum", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const exchange = f.stoa.assetExchange;
      const below = await signed(f, { nonce: 9n });
      await expect(exchange.connect(f.a.creator).cancelAllBelow(10n))
        .to.emit(exchange, "AllAssetOrdersCancelled")
        .withArgs(f.a.creator.address, 10n);
      expect(await exchange.minNonce(f.a.creator.address)).to.equal(10n);
      expect(await exchange.isNonceAvailable(f.a.creator.address, 9n)).to.equal(false);
      expect(await exchange.isNonceAvailable(f.a.creator.address, 10n)).to.equal(true);
      expect(await exchange.isNonceAvailable(f.a.other.address, 9n)).to.equal(true);
      await expect(exchange.connect(f.a.buyer).fill(below.order, below.signature, { value: PRICE }))
        .to.be.revertedWithCustomError(exchange, "NonceUsed")
        .withArgs(f.a.creator.address, 9n);
      const at = await signed(f, { nonce: 10n });
      await expect(exchange.connect(f.a.buyer).fill(at.order, at.signature, { value: PRICE })).to.emit(
        exchange,
        "AssetOrderFilled",
      );
    });

    it("reverts with MinNonceNotIncreasing unless the minimum goes up", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const exchange = f.stoa.assetExchange.connect(f.a.creator);
      await expect(exchange.cancelAllBelow(0n))
        .to.be.revertedWithCustomError(exchange, "MinNonceNotIncreasing")
        .withArgs(0n, 0n);
      await exchange.cancelAllBelow(10n);
      for (const requested of [10n, 9n]) {
        await expect(exchange.cancelAllBelow(requested))
          .to.be.revertedWithCustomError(exchange, "MinNonceNotIncreasing")
          .withArgs(10n, requested);
      }
    });
  });

  describe("isNonceAvailable", function () {
    it("tracks nonces bit by bit across bitmap words", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const exchange = f.stoa.assetExchange;
      const seller = f.a.creator.address;
      const max = 2n ** 256n - 1n;
      for (const nonce of [0n, 255n, 256n, max]) {
        expect(await exchange.isNonceAvailable(seller, nonce)).to.equal(true);
      }
      const { order, signature } = await signed(f, { nonce: 255n });
      await exchange.connect(f.a.buyer).fill(order, signature, { value: PRICE });
      await exchange.connect(f.a.creator).cancel(256n);
      await exchange.connect(f.a.creator).cancel(max);
      expect(await exchange.nonceBitmap(seller, 0n)).to.equal(1n << 255n);
      expect(await exchange.nonceBitmap(seller, 1n)).to.equal(1n);
      expect(await exchange.nonceBitmap(seller, max >> 8n)).to.equal(1n << 255n);
      for (const nonce of [255n, 256n, max]) {
        expect(await exchange.isNonceAvailable(seller, nonce)).to.equal(false);
      }
      for (const nonce of [0n, 254n, 257n, max - 1n]) {
        expect(await exchange.isNonceAvailable(seller, nonce)).to.equal(true);
      }
    });
  });

  describe("hashOrder", function () {
    it("is the EIP-712 digest that ethers computes for the exchange's domain", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const order = await assetOrder(f, { tokenId: 42n, nonce: 7n, price: 123_456_789n, currency: f.usd });
      expect(await f.stoa.assetExchange.hashOrder(order)).to.equal(digest(f, order));
      expect(await f.stoa.assetExchange.hashOrder(order)).not.to.equal(
        TypedDataEncoder.hash(domain(f, 1n), ASSET_ORDER_TYPES, order),
      );
    });

    it("publishes the domain and type hash it signs with", async function () {
      const f = await networkHelpers.loadFixture(deployed);
      const published = await f.stoa.assetExchange.eip712Domain();
      expect([published.name, published.version, published.chainId, published.verifyingContract]).to.deep.equal([
        "Stoa Asset Exchange",
        "1",
        31337n,
        f.exchange,
      ]);
      expect(await f.stoa.assetExchange.ASSET_ORDER_TYPEHASH()).to.equal(
        id(
          "AssetOrder(address seller,address collection,uint256 tokenId,address currency,uint256 price,uint256 nonce,uint64 deadline)",
        ),
      );
    });
  });
});
