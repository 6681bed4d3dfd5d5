import { expect } from "chai";
import { parseEther, ZeroAddress } from "ethers";
import { network } from "hardhat";
import { deployStoa, devAccounts } from "../helpers/stoa.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const CID_1 = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";
const CID_2 = "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
const PRICE = parseEther("2");

async function deployed() {
  const stoa = await deployStoa(connection);
  const a = await devAccounts(ethers);
  return { stoa, a, assets: stoa.stoaAssets };
}

/** The creator minted token 1 (5% royalty to itself); the seller minted token 2 (no royalty). */
async function minted() {
  const base = await deployed();
  const { assets, a } = base;
  await assets.connect(a.creator).mint(CID_1, a.creator.address, 500);
  await assets.connect(a.seller).mint(CID_2, ZeroAddress, 0);
  return base;
}

describe("StoaAssets", function () {
  describe("constructor", function () {
    it("is named Stoa Assets (STOAA), caps royalties at 10%, has minted nothing", async function () {
      const { assets } = await networkHelpers.loadFixture(deployed);
      expect(await assets.name()).to.equal("Stoa Assets");
      expect(await assets.symbol()).to.equal("STOAA");
      expect(await assets.MAX_ROYALTY_BPS()).to.equal(1_000n);
      expect(await assets.totalMinted()).to.equal(0n);
    });
  });

  describe("mint", function () {
    it("mints token 1 to the caller with its metadata and royalty: AssetMinted, Transfer, MetadataUpdate", async function () {
      const { assets, a } = await networkHelpers.loadFixture(deployed);
      expect(await assets.connect(a.creator).mint.staticCall(CID_1, a.creator.address, 500)).to.equal(1n);
      const tx = assets.connect(a.creator).mint(CID_1, a.creator.address, 500);
      await expect(tx).to.emit(assets, "AssetMinted").withArgs(1n, a.creator.address, CID_1, a.creator.address, 500n);
      await expect(tx).to.emit(assets, "Transfer").withArgs(ZeroAddress, a.creator.address, 1n);
      await expect(tx).to.emit(assets, "MetadataUpdate").withArgs(1n);
      expect(await assets.ownerOf(1n)).to.equal(a.creator.address);
      expect(await assets.balanceOf(a.creator.address)).to.equal(1n);
      expect(await assets.creatorOf(1n)).to.equal(a.creator.address);
      expect(await assets.totalMinted()).to.equal(1n);
      expect(await assets.tokenURI(1n)).to.equal(`ipfs://${CID_1}`);
      const [receiver, amount] = await assets.royaltyInfo(1n, PRICE);
      expect(receiver).to.equal(a.creator.address);
      expect(amount).to.equal(parseEther("0.1"));
    });

    it("numbers tokens from 1 in mint order, whoever mints", async function () {
      const { assets, a } = await networkHelpers.loadFixture(deployed);
      await assets.connect(a.creator).mint(CID_1, a.creator.address, 100);
      await expect(assets.connect(a.seller).mint(CID_2, a.seller.address, 200))
        .to.emit(assets, "AssetMinted")
        .withArgs(2n, a.seller.address, CID_2, a.seller.address, 200n);
      await assets.connect(a.creator).mint(CID_2, a.creator.address, 300);
      expect(await assets.totalMinted()).to.equal(3n);
      expect([await assets.creatorOf(1n), await assets.creatorOf(2n), await assets.creatorOf(3n)]).to.deep.equal([
        a.creator.address,
        a.seller.address,
        a.creator.address,
      ]);
      expect(await assets.creatorOf(4n)).to.equal(ZeroAddress);
      expect(await assets.balanceOf(a.creator.address)).to.equal(2n);
    });

    it("pays the royalty to the named receiver, rounded down in wei", async function () {
      const { assets, a } = await networkHelpers.loadFixture(deployed);
      await assets.connect(a.creator).mint(CID_1, a.other.address, 250);
      const [receiver, amount] = await assets.royaltyInfo(1n, 999n);
      expect(receiver).to.equal(a.other.address);
      expect(amount).to.equal(24n); // 999 * 250 / 10,000 = 24.975
      expect((await assets.royaltyInfo(1n, PRICE))[1]).to.equal(parseEther("0.05"));
    });

    it("accepts a royalty of exactly the 10% cap", async function () {
      const { assets, a } = await networkHelpers.loadFixture(deployed);
      await assets.connect(a.creator).mint(CID_1, a.creator.address, 1_000);
      expect(await assets.royaltyInfo(1n, PRICE)).to.deep.equal([a.creator.address, parseEther("0.2")]);
    });

    it("reverts with RoyaltyAboveCap above 10%", async function () {
      const { assets, a } = await networkHelpers.loadFixture(deployed);
      await expect(assets.connect(a.creator).mint(CID_1, a.creator.address, 1_001))
        .to.be.revertedWithCustomError(assets, "RoyaltyAboveCap")
        .withArgs(1_001n, 1_000n);
      // The cap applies even without a receiver.
      await expect(assets.connect(a.creator).mint(CID_1, ZeroAddress, 10_000))
        .to.be.revertedWithCustomError(assets, "RoyaltyAboveCap")
        .withArgs(10_000n, 1_000n);
      expect(await assets.totalMinted()).to.equal(0n);
    });

    it("reverts with EmptyMetadataCid for an empty CID", async function () {
      const { assets, a } = await networkHelpers.loadFixture(deployed);
      await expect(assets.connect(a.creator).mint("", a.creator.address, 500)).to.be.revertedWithCustomError(
        assets,
        "EmptyMetadataCid",
      );
    });

    it("a zero royalty receiver means no royalty, whatever the basis points", async function () {
      const { assets, a } = await networkHelpers.loadFixture(deployed);
      await expect(assets.connect(a.creator).mint(CID_1, ZeroAddress, 500))
        .to.emit(assets, "AssetMinted")
        .withArgs(1n, a.creator.address, CID_1, ZeroAddress, 500n);
      expect(await assets.royaltyInfo(1n, PRICE)).to.deep.equal([ZeroAddress, 0n]);
    });

    it("zero basis points mean no royalty, whatever the receiver", async function () {
      const { assets, a } = await networkHelpers.loadFixture(deployed);
      await assets.connect(a.creator).mint(CID_1, a.creator.address, 0);
      expect(await assets.royaltyInfo(1n, PRICE)).to.deep.equal([ZeroAddress, 0n]);
    });

    it("a contract that accepts ERC-721 tokens may mint; one that does not gets ERC721InvalidReceiver", async function () {
      const { assets } = await networkHelpers.loadFixture(deployed);
      const mintCall = assets.interface.encodeFunctionData("mint", [CID_1, ZeroAddress, 0]);
      const actor = await ethers.deployContract("ReentrantActor");
      await expect(actor.execute(await assets.getAddress(), 0n, mintCall))
        .to.emit(assets, "AssetMinted")
        .withArgs(1n, await actor.getAddress(), CID_1, ZeroAddress, 0n);
      expect(await assets.ownerOf(1n)).to.equal(await actor.getAddress());
      const plain = await ethers.deployContract("PlainCaller");
      await expect(plain.execute(await assets.getAddress(), mintCall))
        .to.be.revertedWithCustomError(assets, "ERC721InvalidReceiver")
        .withArgs(await plain.getAddress());
      expect(await assets.totalMinted()).to.equal(1n);
    });
  });

  describe("setMetadata", function () {
    it("lets the creator that owns the token point it at new metadata: MetadataUpdate, AssetMetadataChanged", async function () {
      const { assets, a } = await networkHelpers.loadFixture(minted);
      const tx = assets.connect(a.creator).setMetadata(1n, CID_2);
      await expect(tx).to.emit(assets, "MetadataUpdate").withArgs(1n);
      await expect(tx).to.emit(assets, "AssetMetadataChanged").withArgs(1n, CID_2);
      expect(await assets.tokenURI(1n)).to.equal(`ipfs://${CID_2}`);
      expect(await assets.tokenURI(2n)).to.equal(`ipfs://${CID_2}`);
    });

    it("reverts with NotCreatorOwner after the creator sold the token, for the creator and for the new owner", async function () {
      const { assets, a } = await networkHelpers.loadFixture(minted);
      await assets.connect(a.creator).transferFrom(a.creator.address, a.buyer.address, 1n);
      await expect(assets.connect(a.creator).setMetadata(1n, CID_2))
        .to.be.revertedWithCustomError(assets, "NotCreatorOwner")
        .withArgs(1n, a.creator.address);
      await expect(assets.connect(a.buyer).setMetadata(1n, CID_2))
        .to.be.revertedWithCustomError(assets, "NotCreatorOwner")
        .withArgs(1n, a.buyer.address);
      expect(await assets.tokenURI(1n)).to.equal(`ipfs://${CID_1}`);
      // The royalty follows the token, not its owner.
      expect(await assets.royaltyInfo(1n, PRICE)).to.deep.equal([a.creator.address, parseEther("0.1")]);
      // Once the creator owns it again it may change it again.
      await assets.connect(a.buyer).transferFrom(a.buyer.address, a.creator.address, 1n);
      await expect(assets.connect(a.creator).setMetadata(1n, CID_2))
        .to.emit(assets, "AssetMetadataChanged")
        .withArgs(1n, CID_2);
    });

    it("reverts with NotCreatorOwner for any other account, an approved operator included", async function () {
      const { assets, a } = await networkHelpers.loadFixture(minted);
      await assets.connect(a.creator).setApprovalForAll(a.other.address, true);
      for (const account of [a.other, a.seller, a.outsider]) {
        await expect(assets.connect(account).setMetadata(1n, CID_2))
          .to.be.revertedWithCustomError(assets, "NotCreatorOwner")
          .withArgs(1n, account.address);
      }
    });

    it("reverts with NotCreatorOwner for a token that does not exist", async function () {
      const { assets, a } = await networkHelpers.loadFixture(minted);
      await expect(assets.connect(a.creator).setMetadata(3n, CID_2))
        .to.be.revertedWithCustomError(assets, "NotCreatorOwner")
        .withArgs(3n, a.creator.address);
    });

    it("reverts with EmptyMetadataCid for an empty CID", async function () {
      const { assets, a } = await networkHelpers.loadFixture(minted);
      await expect(assets.connect(a.creator).setMetadata(1n, "")).to.be.revertedWithCustomError(
        assets,
        "EmptyMetadataCid",
      );
    });
  });

  describe("ERC-721", function () {
    it("tokens move like any ERC-721; tokenURI of an unknown token reverts with ERC721NonexistentToken", async function () {
      const { assets, a } = await networkHelpers.loadFixture(minted);
      await expect(assets.connect(a.creator).approve(a.other.address, 1n))
        .to.emit(assets, "Approval")
        .withArgs(a.creator.address, a.other.address, 1n);
      await expect(assets.connect(a.other).transferFrom(a.creator.address, a.buyer.address, 1n))
        .to.emit(assets, "Transfer")
        .withArgs(a.creator.address, a.buyer.address, 1n);
      expect(await assets.ownerOf(1n)).to.equal(a.buyer.address);
      expect(await assets.creatorOf(1n)).to.equal(a.creator.address);
      await expect(assets.tokenURI(3n)).to.be.revertedWithCustomError(assets, "ERC721NonexistentToken").withArgs(3n);
      await expect(assets.connect(a.other).transferFrom(a.buyer.address, a.other.address, 1n))
        .to.be.revertedWithCustomError(assets, "ERC721InsufficientApproval")
        .withArgs(a.other.address, 1n);
    });

    it("royaltyInfo of a token without royalty or of no token is nothing", async function () {
      const { assets } = await networkHelpers.loadFixture(minted);
      expect(await assets.royaltyInfo(2n, PRICE)).to.deep.equal([ZeroAddress, 0n]);
      expect(await assets.royaltyInfo(99n, PRICE)).to.deep.equal([ZeroAddress, 0n]);
    });
  });

  describe("supportsInterface", function () {
    it("supports ERC-165, ERC-721, ERC-721 Metadata, ERC-2981 and ERC-4906, not a random id", async function () {
      const { assets } = await networkHelpers.loadFixture(minted);
      expect(await assets.supportsInterface("0x01ffc9a7")).to.equal(true); // ERC-165
      expect(await assets.supportsInterface("0x80ac58cd")).to.equal(true); // ERC-721
      expect(await assets.supportsInterface("0x5b5e139f")).to.equal(true); // ERC-721 Metadata
      expect(await assets.supportsInterface("0x2a55205a")).to.equal(true); // ERC-2981
      expect(await assets.supportsInterface("0x49064906")).to.equal(true); // ERC-4906
      expect(await assets.supportsInterface("0x780e9d63")).to.equal(false); // ERC-721 Enumerable
      expect(await assets.supportsInterface("0xffffffff")).to.equal(false);
    });
  });
});
