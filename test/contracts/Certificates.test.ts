import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { dataSlice, getAddress, id, parseEther, sha256, toUtf8Bytes, ZeroAddress, ZeroHash } from "ethers";
import { network } from "hardhat";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import * as Digest from "multiformats/hashes/digest";
import { sha256 as sha2_256 } from "multiformats/hashes/sha2";
import { certificateTree, deployStoa, devAccounts } from "../helpers/stoa.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

const ISSUER_ROLE = id("ISSUER_ROLE");
const DEFAULT_ADMIN_ROLE = ZeroHash;
const Status = { Unknown: 0n, Valid: 1n, Revoked: 2n } as const;
const MANIFEST_CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
const REASON_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
const BATCH_SIZE = 100;
/** Where the dev accounts sit in the batch of 100; the buyer holds two certificates. */
const DEV_LEAVES = { buyer: 0, seller: 17, other: 42, creator: 73, worker: 99, buyerAgain: 58 } as const;

/** The metadata JSON of a certificate and its sha2-256 digest (its token id). */
function certificateJson(recipient: string, course: string, index: number) {
  const json = JSON.stringify({
    "@context": "https://w3id.org/openbadges/v2",
    type: "Assertion",
    recipient: { type: "ethereumAddress", identity: recipient },
    badge: { name: course, issuer: "Stoa Academy" },
    issuedOn: "2025-06-01T00:00:00Z",
    index,
  });
  const bytes = toUtf8Bytes(json);
  return { json, bytes, digest: sha256(bytes) };
}

/** An address for a student who is not one of the local signers. */
function student(i: number): string {
  return getAddress(dataSlice(id(`student-${i}`), 12));
}

/** The raw CIDv1 (sha2-256) of `digest`, computed by the multiformats reference implementation. */
function rawCid(digest: string): string {
  return CID.create(1, raw.code, Digest.create(sha2_256.code, ethers.getBytes(digest))).toString();
}

async function deployed() {
  const stoa = await deployStoa(connection);
  const a = await devAccounts(ethers);
  const timelockAddress = await stoa.timelock.getAddress();
  await networkHelpers.impersonateAccount(timelockAddress);
  await networkHelpers.setBalance(timelockAddress, parseEther("10"));
  const timelock = await ethers.getSigner(timelockAddress);
  return { stoa, a, certificates: stoa.certificates, timelock };
}

/** The dev suite with a batch of 100 certificates anchored by the dev issuer. */
async function anchored() {
  const base = await deployed();
  const { a, certificates } = base;
  const devAt: Record<number, string> = {
    [DEV_LEAVES.buyer]: a.buyer.address,
    [DEV_LEAVES.seller]: a.seller.address,
    [DEV_LEAVES.other]: a.other.address,
    [DEV_LEAVES.creator]: a.creator.address,
    [DEV_LEAVES.worker]: a.worker.address,
    [DEV_LEAVES.buyerAgain]: a.buyer.address,
  };
  const entries: [string, string][] = [];
  for (let i = 0; i < BATCH_SIZE; ++i) {
    const recipient = devAt[i] ?? student(i);
    entries.push([recipient, certificateJson(recipient, "Solidity 101", i).digest]);
  }
  const tree = certificateTree(entries);
  const root = tree.root;
  await certificates.connect(a.issuer).anchor(root, BATCH_SIZE, MANIFEST_CID);
  const leaf = (index: number) => {
    const entry = entries[index]!;
    return { recipient: entry[0], digest: entry[1], tokenId: BigInt(entry[1]), proof: tree.getProof(index) };
  };
  return { ...base, entries, tree, root, leaf };
}

describe("Certificates", function () {
  describe("constructor", function () {
    it("gives the admin DEFAULT_ADMIN_ROLE and each initial issuer ISSUER_ROLE", async function () {
      const [admin, first, second] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("Certificates");
      const certificates = await factory.deploy(admin!.address, [first!.address, second!.address]);
      const deployment = certificates.deploymentTransaction()!;
      await expect(deployment)
        .to.emit(certificates, "RoleGranted")
        .withArgs(DEFAULT_ADMIN_ROLE, admin!.address, admin!.address);
      await expect(deployment)
        .to.emit(certificates, "RoleGranted")
        .withArgs(ISSUER_ROLE, first!.address, admin!.address);
      await expect(deployment)
        .to.emit(certificates, "RoleGranted")
        .withArgs(ISSUER_ROLE, second!.address, admin!.address);
      expect(await certificates.hasRole(DEFAULT_ADMIN_ROLE, admin!.address)).to.equal(true);
      expect(await certificates.hasRole(ISSUER_ROLE, first!.address)).to.equal(true);
      expect(await certificates.hasRole(ISSUER_ROLE, second!.address)).to.equal(true);
      expect(await certificates.hasRole(ISSUER_ROLE, admin!.address)).to.equal(false);
      expect(await certificates.ISSUER_ROLE()).to.equal(ISSUER_ROLE);
    });

    it("reverts with ZeroAddress for a zero admin", async function () {
      const factory = await ethers.getContractFactory("Certificates");
      await expect(factory.deploy(ZeroAddress, [])).to.be.revertedWithCustomError(factory, "ZeroAddress");
    });
  });

  describe("anchor", function () {
    it("records the batch and emits BatchAnchored", async function () {
      const { certificates, a } = await networkHelpers.loadFixture(anchored);
      const tree = certificateTree([
        [a.buyer.address, certificateJson(a.buyer.address, "Rust", 0).digest],
        [a.seller.address, certificateJson(a.seller.address, "Rust", 1).digest],
      ]);
      const at = BigInt(await time.latest()) + 5n;
      await time.setNextBlockTimestamp(at);
      await expect(certificates.connect(a.issuer).anchor(tree.root, 2, MANIFEST_CID))
        .to.emit(certificates, "BatchAnchored")
        .withArgs(tree.root, a.issuer.address, 2n, MANIFEST_CID);
      const batch = await certificates.batch(tree.root);
      expect(batch.issuer).to.equal(a.issuer.address);
      expect(batch.anchoredAt).to.equal(at);
      expect(batch.size).to.equal(2n);
    });

    it("batch() of an unknown root is all zero", async function () {
      const { certificates } = await networkHelpers.loadFixture(anchored);
      const batch = await certificates.batch(id("nothing"));
      expect([batch.issuer, batch.anchoredAt, batch.size]).to.deep.equal([ZeroAddress, 0n, 0n]);
    });

    it("reverts with AccessControlUnauthorizedAccount without ISSUER_ROLE, the DAO admin included", async function () {
      const { certificates, a, timelock } = await networkHelpers.loadFixture(anchored);
      for (const account of [a.deployer, a.outsider, timelock]) {
        await expect(certificates.connect(account).anchor(id("root"), 1, MANIFEST_CID))
          .to.be.revertedWithCustomError(certificates, "AccessControlUnauthorizedAccount")
          .withArgs(account.address, ISSUER_ROLE);
      }
    });

    it("reverts with EmptyBatch for a zero root or a zero size", async function () {
      const { certificates, a } = await networkHelpers.loadFixture(anchored);
      await expect(certificates.connect(a.issuer).anchor(ZeroHash, 10, MANIFEST_CID)).to.be.revertedWithCustomError(
        certificates,
        "EmptyBatch",
      );
      await expect(certificates.connect(a.issuer).anchor(id("root"), 0, MANIFEST_CID)).to.be.revertedWithCustomError(
        certificates,
        "EmptyBatch",
      );
    });

    it("reverts with BatchExists for a root anchored already, by any issuer", async function () {
      const { certificates, a, timelock, root } = await networkHelpers.loadFixture(anchored);
      await expect(certificates.connect(a.issuer).anchor(root, BATCH_SIZE, MANIFEST_CID))
        .to.be.revertedWithCustomError(certificates, "BatchExists")
        .withArgs(root);
      await certificates.connect(timelock).grantRole(ISSUER_ROLE, a.other.address);
      await expect(certificates.connect(a.other).anchor(root, 1, ""))
        .to.be.revertedWithCustomError(certificates, "BatchExists")
        .withArgs(root);
    });

    it("a newly accredited issuer may anchor; once its role is revoked it may not", async function () {
      const { certificates, a, timelock } = await networkHelpers.loadFixture(anchored);
      await expect(certificates.connect(timelock).grantRole(ISSUER_ROLE, a.other.address))
        .to.emit(certificates, "RoleGranted")
        .withArgs(ISSUER_ROLE, a.other.address, timelock.address);
      await expect(certificates.connect(a.other).anchor(id("root-1"), 3, MANIFEST_CID))
        .to.emit(certificates, "BatchAnchored")
        .withArgs(id("root-1"), a.other.address, 3n, MANIFEST_CID);
      await certificates.connect(timelock).revokeRole(ISSUER_ROLE, a.other.address);
      await expect(certificates.connect(a.other).anchor(id("root-2"), 3, MANIFEST_CID))
        .to.be.revertedWithCustomError(certificates, "AccessControlUnauthorizedAccount")
        .withArgs(a.other.address, ISSUER_ROLE);
    });
  });

  describe("issue", function () {
    it("anchors a batch of one and mints it at once to the recipient", async function () {
      const { certificates, a } = await networkHelpers.loadFixture(anchored);
      const { digest } = certificateJson(a.outsider.address, "Governance", 0);
      const tokenId = BigInt(digest);
      const root = await certificates.leafHash(a.outsider.address, digest);
      expect(root).to.equal(certificateTree([[a.outsider.address, digest]]).root);
      expect(await certificates.connect(a.issuer).issue.staticCall(a.outsider.address, digest)).to.equal(tokenId);
      const tx = certificates.connect(a.issuer).issue(a.outsider.address, digest);
      await expect(tx).to.emit(certificates, "BatchAnchored").withArgs(root, a.issuer.address, 1n, "");
      await expect(tx).to.emit(certificates, "Transfer").withArgs(ZeroAddress, a.outsider.address, tokenId);
      await expect(tx).to.emit(certificates, "Locked").withArgs(tokenId);
      await expect(tx).to.emit(certificates, "CertificateClaimed").withArgs(tokenId, root, a.outsider.address);
      expect(await certificates.ownerOf(tokenId)).to.equal(a.outsider.address);
      expect(await certificates.balanceOf(a.outsider.address)).to.equal(1n);
      expect(await certificates.tokenStatus(tokenId)).to.equal(Status.Valid);
      expect(await certificates.verify(root, [], a.outsider.address, digest)).to.equal(Status.Valid);
      const batch = await certificates.batch(root);
      expect([batch.issuer, batch.size]).to.deep.equal([a.issuer.address, 1n]);
    });

    it("reverts with ZeroAddress for a zero recipient", async function () {
      const { certificates, a } = await networkHelpers.loadFixture(anchored);
      await expect(certificates.connect(a.issuer).issue(ZeroAddress, id("x"))).to.be.revertedWithCustomError(
        certificates,
        "ZeroAddress",
      );
    });

    it("reverts with AccessControlUnauthorizedAccount without ISSUER_ROLE", async function () {
      const { certificates, a, timelock } = await networkHelpers.loadFixture(anchored);
      for (const account of [a.outsider, timelock]) {
        await expect(certificates.connect(account).issue(a.outsider.address, id("x")))
          .to.be.revertedWithCustomError(certificates, "AccessControlUnauthorizedAccount")
          .withArgs(account.address, ISSUER_ROLE);
      }
    });

    it("reverts with BatchExists when the same certificate is issued twice", async function () {
      const { certificates, a } = await networkHelpers.loadFixture(anchored);
      await certificates.connect(a.issuer).issue(a.outsider.address, id("x"));
      await expect(certificates.connect(a.issuer).issue(a.outsider.address, id("x")))
        .to.be.revertedWithCustomError(certificates, "BatchExists")
        .withArgs(await certificates.leafHash(a.outsider.address, id("x")));
    });

    it("reverts with AlreadyClaimed when the digest was issued to someone else (the token id is the digest)", async function () {
      const { certificates, a } = await networkHelpers.loadFixture(anchored);
      await certificates.connect(a.issuer).issue(a.outsider.address, id("x"));
      await expect(certificates.connect(a.issuer).issue(a.buyer.address, id("x")))
        .to.be.revertedWithCustomError(certificates, "AlreadyClaimed")
        .withArgs(BigInt(id("x")));
      // The whole issue reverted: no batch was left behind for the buyer.
      expect((await certificates.batch(await certificates.leafHash(a.buyer.address, id("x")))).issuer).to.equal(
        ZeroAddress,
      );
    });
  });

  describe("claim", function () {
    it("mints the soulbound token of several leaves of a batch of 100 to their recipients", async function () {
      const { certificates, a, root, leaf } = await networkHelpers.loadFixture(anchored);
      const claimers = [
        [a.buyer, DEV_LEAVES.buyer],
        [a.seller, DEV_LEAVES.seller],
        [a.other, DEV_LEAVES.other],
        [a.creator, DEV_LEAVES.creator],
        [a.worker, DEV_LEAVES.worker],
        [a.buyer, DEV_LEAVES.buyerAgain],
      ] as const;
      for (const [claimer, index] of claimers) {
        const { digest, tokenId, proof, recipient } = leaf(index);
        expect(recipient).to.equal(claimer.address);
        expect(await certificates.connect(claimer).claim.staticCall(root, proof, digest)).to.equal(tokenId);
        const tx = certificates.connect(claimer).claim(root, proof, digest);
        await expect(tx).to.emit(certificates, "Transfer").withArgs(ZeroAddress, claimer.address, tokenId);
        await expect(tx).to.emit(certificates, "Locked").withArgs(tokenId);
        await expect(tx).to.emit(certificates, "CertificateClaimed").withArgs(tokenId, root, claimer.address);
        expect(await certificates.ownerOf(tokenId)).to.equal(claimer.address);
        expect(await certificates.tokenStatus(tokenId)).to.equal(Status.Valid);
        expect(await certificates.locked(tokenId)).to.equal(true);
      }
      expect(await certificates.balanceOf(a.buyer.address)).to.equal(2n);
      expect(await certificates.balanceOf(a.seller.address)).to.equal(1n);
      expect(await certificates.balanceOf(a.outsider.address)).to.equal(0n);
    });

    it("a batch stays valid and claimable after the DAO revokes its issuer's accreditation", async function () {
      const { certificates, a, root, leaf, timelock } = await networkHelpers.loadFixture(anchored);
      await certificates.connect(timelock).revokeRole(ISSUER_ROLE, a.issuer.address);
      const { digest, proof, tokenId, recipient } = leaf(DEV_LEAVES.creator);
      expect(await certificates.verify(root, proof, recipient, digest)).to.equal(Status.Valid);
      await expect(certificates.connect(a.creator).claim(root, proof, digest))
        .to.emit(certificates, "CertificateClaimed")
        .withArgs(tokenId, root, a.creator.address);
    });

    it("reverts with UnknownBatch for a root nobody anchored", async function () {
      const { certificates, a, leaf } = await networkHelpers.loadFixture(anchored);
      const { digest, proof } = leaf(DEV_LEAVES.buyer);
      await expect(certificates.connect(a.buyer).claim(id("unknown"), proof, digest))
        .to.be.revertedWithCustomError(certificates, "UnknownBatch")
        .withArgs(id("unknown"));
    });

    it("reverts with InvalidProof for a wrong proof", async function () {
      const { certificates, a, root, leaf } = await networkHelpers.loadFixture(anchored);
      const { digest } = leaf(DEV_LEAVES.buyer);
      const otherProof = leaf(DEV_LEAVES.seller).proof;
      await expect(certificates.connect(a.buyer).claim(root, otherProof, digest))
        .to.be.revertedWithCustomError(certificates, "InvalidProof")
        .withArgs(root, a.buyer.address, digest);
      await expect(certificates.connect(a.buyer).claim(root, [], digest))
        .to.be.revertedWithCustomError(certificates, "InvalidProof")
        .withArgs(root, a.buyer.address, digest);
    });

    it("reverts with InvalidProof when someone claims another's leaf with its valid proof", async function () {
      const { certificates, a, root, leaf } = await networkHelpers.loadFixture(anchored);
      const { digest, proof } = leaf(DEV_LEAVES.seller);
      await expect(certificates.connect(a.outsider).claim(root, proof, digest))
        .to.be.revertedWithCustomError(certificates, "InvalidProof")
        .withArgs(root, a.outsider.address, digest);
      // The buyer holds other leaves of the batch, but not this one.
      await expect(certificates.connect(a.buyer).claim(root, proof, digest))
        .to.be.revertedWithCustomError(certificates, "InvalidProof")
        .withArgs(root, a.buyer.address, digest);
    });

    it("reverts with AlreadyClaimed on a second claim", async function () {
      const { certificates, a, root, leaf } = await networkHelpers.loadFixture(anchored);
      const { digest, proof, tokenId } = leaf(DEV_LEAVES.other);
      await certificates.connect(a.other).claim(root, proof, digest);
      await expect(certificates.connect(a.other).claim(root, proof, digest))
        .to.be.revertedWithCustomError(certificates, "AlreadyClaimed")
        .withArgs(tokenId);
      expect(await certificates.balanceOf(a.other.address)).to.equal(1n);
    });

    it("reverts with AlreadyClaimed for the same certificate anchored again in another batch", async function () {
      const { certificates, a, root, leaf } = await networkHelpers.loadFixture(anchored);
      const { digest, proof, tokenId, recipient } = leaf(DEV_LEAVES.other);
      await certificates.connect(a.other).claim(root, proof, digest);
      const reissue = certificateTree([
        [recipient, digest],
        [student(1000), id("another")],
      ]);
      await certificates.connect(a.issuer).anchor(reissue.root, 2, MANIFEST_CID);
      await expect(certificates.connect(a.other).claim(reissue.root, reissue.getProof(0), digest))
        .to.be.revertedWithCustomError(certificates, "AlreadyClaimed")
        .withArgs(tokenId);
    });

    it("reverts with CertificateIsRevoked for a certificate revoked before its claim", async function () {
      const { certificates, a, root, leaf } = await networkHelpers.loadFixture(anchored);
      const { digest, proof, tokenId, recipient } = leaf(DEV_LEAVES.creator);
      await certificates.connect(a.issuer).revoke(root, proof, recipient, digest, REASON_CID);
      await expect(certificates.connect(a.creator).claim(root, proof, digest))
        .to.be.revertedWithCustomError(certificates, "CertificateIsRevoked")
        .withArgs(tokenId);
    });
  });

  describe("revoke", function () {
    it("the batch's issuer revokes an unclaimed certificate: CertificateRevoked, verify says Revoked", async function () {
      const { certificates, a, root, leaf } = await networkHelpers.loadFixture(anchored);
      const { digest, proof, tokenId, recipient } = leaf(DEV_LEAVES.seller);
      await expect(certificates.connect(a.issuer).revoke(root, proof, recipient, digest, REASON_CID))
        .to.emit(certificates, "CertificateRevoked")
        .withArgs(tokenId, root, a.issuer.address, REASON_CID);
      expect(await certificates.verify(root, proof, recipient, digest)).to.equal(Status.Revoked);
      expect(await certificates.tokenStatus(tokenId)).to.equal(Status.Unknown);
      // The other leaves are untouched.
      const other = leaf(DEV_LEAVES.other);
      expect(await certificates.verify(root, other.proof, other.recipient, other.digest)).to.equal(Status.Valid);
    });

    it("the batch's issuer revokes a claimed certificate: the token stays with its holder, marked Revoked", async function () {
      const { certificates, a, root, leaf } = await networkHelpers.loadFixture(anchored);
      const { digest, proof, tokenId, recipient } = leaf(DEV_LEAVES.seller);
      await certificates.connect(a.seller).claim(root, proof, digest);
      await expect(certificates.connect(a.issuer).revoke(root, proof, recipient, digest, REASON_CID))
        .to.emit(certificates, "CertificateRevoked")
        .withArgs(tokenId, root, a.issuer.address, REASON_CID);
      expect(await certificates.tokenStatus(tokenId)).to.equal(Status.Revoked);
      expect(await certificates.verify(root, proof, recipient, digest)).to.equal(Status.Revoked);
      expect(await certificates.ownerOf(tokenId)).to.equal(a.seller.address);
      expect(await certificates.balanceOf(a.seller.address)).to.equal(1n);
    });

    it("revokes one leaf only: the same digest for another recipient in the batch stays valid", async function () {
      const { certificates, a } = await networkHelpers.loadFixture(deployed);
      const digest = ethers.id("shared metadata");
      const tree = certificateTree([
        [a.buyer.address, digest],
        [a.seller.address, digest],
      ]);
      const root = tree.root;
      await certificates.connect(a.issuer).anchor(root, 2, MANIFEST_CID);
      await certificates.connect(a.issuer).revoke(root, tree.getProof(1), a.seller.address, digest, REASON_CID);
      expect(await certificates.verify(root, tree.getProof(1), a.seller.address, digest)).to.equal(Status.Revoked);
      expect(await certificates.verify(root, tree.getProof(0), a.buyer.address, digest)).to.equal(Status.Valid);
      await expect(certificates.connect(a.seller).claim(root, tree.getProof(1), digest))
        .to.be.revertedWithCustomError(certificates, "CertificateIsRevoked")
        .withArgs(BigInt(digest));
      await expect(certificates.connect(a.buyer).claim(root, tree.getProof(0), digest)).to.emit(
        certificates,
        "CertificateClaimed",
      );
      expect(await certificates.tokenStatus(BigInt(digest))).to.equal(Status.Valid);
    });

    it("the DAO admin (timelock) revokes any batch's certificate", async function () {
      const { certificates, root, leaf, timelock } = await networkHelpers.loadFixture(anchored);
      const { digest, proof, tokenId, recipient } = leaf(DEV_LEAVES.worker);
      await expect(certificates.connect(timelock).revoke(root, proof, recipient, digest, REASON_CID))
        .to.emit(certificates, "CertificateRevoked")
        .withArgs(tokenId, root, timelock.address, REASON_CID);
      expect(await certificates.verify(root, proof, recipient, digest)).to.equal(Status.Revoked);
    });

    it("reverts with NotBatchIssuer for another accredited issuer and for any other account", async function () {
      const { certificates, a, root, leaf, timelock } = await networkHelpers.loadFixture(anchored);
      const { digest, proof, recipient } = leaf(DEV_LEAVES.worker);
      await certificates.connect(timelock).grantRole(ISSUER_ROLE, a.other.address);
      for (const account of [a.other, a.outsider, a.worker, a.deployer]) {
        await expect(certificates.connect(account).revoke(root, proof, recipient, digest, REASON_CID))
          .to.be.revertedWithCustomError(certificates, "NotBatchIssuer")
          .withArgs(root, account.address);
      }
    });

    it("reverts with NotBatchIssuer for the batch's issuer once its role was revoked; the DAO still may", async function () {
      const { certificates, a, root, leaf, timelock } = await networkHelpers.loadFixture(anchored);
      const { digest, proof, tokenId, recipient } = leaf(DEV_LEAVES.worker);
      await expect(certificates.connect(timelock).revokeRole(ISSUER_ROLE, a.issuer.address))
        .to.emit(certificates, "RoleRevoked")
        .withArgs(ISSUER_ROLE, a.issuer.address, timelock.address);
      await expect(certificates.connect(a.issuer).revoke(root, proof, recipient, digest, REASON_CID))
        .to.be.revertedWithCustomError(certificates, "NotBatchIssuer")
        .withArgs(root, a.issuer.address);
      await expect(certificates.connect(timelock).revoke(root, proof, recipient, digest, REASON_CID))
        .to.emit(certificates, "CertificateRevoked")
        .withArgs(tokenId, root, timelock.address, REASON_CID);
    });

    it("reverts with UnknownBatch for a root nobody anchored", async function () {
      const { certificates, a, leaf } = await networkHelpers.loadFixture(anchored);
      const { digest, proof, recipient } = leaf(DEV_LEAVES.worker);
      await expect(certificates.connect(a.issuer).revoke(id("unknown"), proof, recipient, digest, REASON_CID))
        .to.be.revertedWithCustomError(certificates, "UnknownBatch")
        .withArgs(id("unknown"));
    });

    it("reverts with InvalidProof for a certificate the proof does not place in the batch", async function () {
      const { certificates, a, root, leaf } = await networkHelpers.loadFixture(anchored);
      const { digest, proof } = leaf(DEV_LEAVES.worker);
      await expect(certificates.connect(a.issuer).revoke(root, proof, a.outsider.address, digest, REASON_CID))
        .to.be.revertedWithCustomError(certificates, "InvalidProof")
        .withArgs(root, a.outsider.address, digest);
      const wrong = leaf(DEV_LEAVES.buyer).proof;
      await expect(certificates.connect(a.issuer).revoke(root, wrong, a.worker.address, digest, REASON_CID))
        .to.be.revertedWithCustomError(certificates, "InvalidProof")
        .withArgs(root, a.worker.address, digest);
    });

    it("reverts with CertificateIsRevoked when revoking twice, claimed or not", async function () {
      const { certificates, a, root, leaf, timelock } = await networkHelpers.loadFixture(anchored);
      const unclaimed = leaf(DEV_LEAVES.worker);
      await certificates
        .connect(a.issuer)
        .revoke(root, unclaimed.proof, unclaimed.recipient, unclaimed.digest, REASON_CID);
      await expect(
        certificates.connect(timelock).revoke(root, unclaimed.proof, unclaimed.recipient, unclaimed.digest, "again"),
      )
        .to.be.revertedWithCustomError(certificates, "CertificateIsRevoked")
        .withArgs(unclaimed.tokenId);
      const claimed = leaf(DEV_LEAVES.seller);
      await certificates.connect(a.seller).claim(root, claimed.proof, claimed.digest);
      await certificates.connect(a.issuer).revoke(root, claimed.proof, claimed.recipient, claimed.digest, REASON_CID);
      await expect(
        certificates.connect(a.issuer).revoke(root, claimed.proof, claimed.recipient, claimed.digest, REASON_CID),
      )
        .to.be.revertedWithCustomError(certificates, "CertificateIsRevoked")
        .withArgs(claimed.tokenId);
    });

    it("revoking the same certificate in another batch leaves the token claimed from the first one valid", async function () {
      const { certificates, a, root, leaf } = await networkHelpers.loadFixture(anchored);
      const { digest, proof, tokenId, recipient } = leaf(DEV_LEAVES.other);
      await certificates.connect(a.other).claim(root, proof, digest);
      const reissue = certificateTree([
        [recipient, digest],
        [student(1000), id("another")],
      ]);
      await certificates.connect(a.issuer).anchor(reissue.root, 2, MANIFEST_CID);
      await expect(
        certificates.connect(a.issuer).revoke(reissue.root, reissue.getProof(0), recipient, digest, REASON_CID),
      )
        .to.emit(certificates, "CertificateRevoked")
        .withArgs(tokenId, reissue.root, a.issuer.address, REASON_CID);
      expect(await certificates.verify(reissue.root, reissue.getProof(0), recipient, digest)).to.equal(Status.Revoked);
      expect(await certificates.verify(root, proof, recipient, digest)).to.equal(Status.Valid);
      expect(await certificates.tokenStatus(tokenId)).to.equal(Status.Valid);
      // Revoking it in the batch it was claimed from does mark the token.
      await certificates.connect(a.issuer).revoke(root, proof, recipient, digest, REASON_CID);
      expect(await certificates.tokenStatus(tokenId)).to.equal(Status.Revoked);
    });

    it("revoking a digest for another recipient leaves the holder's token valid", async function () {
      const { certificates, a, root, leaf } = await networkHelpers.loadFixture(anchored);
      const { digest, proof, tokenId } = leaf(DEV_LEAVES.other);
      await certificates.connect(a.other).claim(root, proof, digest);
      const copy = certificateTree([
        [a.outsider.address, digest],
        [student(1001), id("another")],
      ]);
      await certificates.connect(a.issuer).anchor(copy.root, 2, MANIFEST_CID);
      await certificates.connect(a.issuer).revoke(copy.root, copy.getProof(0), a.outsider.address, digest, REASON_CID);
      expect(await certificates.tokenStatus(tokenId)).to.equal(Status.Valid);
      expect(await certificates.ownerOf(tokenId)).to.equal(a.other.address);
    });

    it("revokes an issued certificate (a batch of one) with an empty proof", async function () {
      const { certificates, a } = await networkHelpers.loadFixture(anchored);
      const digest = id("issued");
      await certificates.connect(a.issuer).issue(a.outsider.address, digest);
      const root = await certificates.leafHash(a.outsider.address, digest);
      await expect(certificates.connect(a.issuer).revoke(root, [], a.outsider.address, digest, REASON_CID))
        .to.emit(certificates, "CertificateRevoked")
        .withArgs(BigInt(digest), root, a.issuer.address, REASON_CID);
      expect(await certificates.tokenStatus(BigInt(digest))).to.equal(Status.Revoked);
    });
  });

  describe("verify", function () {
    it("says Valid for every leaf of the batch, like the off-chain proof check", async function () {
      const { certificates, tree, root, entries } = await networkHelpers.loadFixture(anchored);
      for (const [index, [recipient, digest]] of tree.entries()) {
        const proof = tree.getProof(index);
        expect(tree.verify(index, proof)).to.equal(true);
        expect(StandardMerkleTree.verify(root, ["address", "bytes32"], [recipient, digest], proof)).to.equal(true);
        expect(await certificates.verify(root, proof, recipient as string, digest as string)).to.equal(Status.Valid);
      }
      expect(entries).to.have.length(BATCH_SIZE);
    });

    it("says Unknown for an unknown root, a wrong proof or a wrong recipient, like the off-chain check", async function () {
      const { certificates, a, root, leaf } = await networkHelpers.loadFixture(anchored);
      const { digest, proof, recipient } = leaf(DEV_LEAVES.creator);
      expect(await certificates.verify(id("unknown"), proof, recipient, digest)).to.equal(Status.Unknown);
      const wrongProof = leaf(DEV_LEAVES.seller).proof;
      expect(StandardMerkleTree.verify(root, ["address", "bytes32"], [recipient, digest], wrongProof)).to.equal(false);
      expect(await certificates.verify(root, wrongProof, recipient, digest)).to.equal(Status.Unknown);
      expect(StandardMerkleTree.verify(root, ["address", "bytes32"], [a.outsider.address, digest], proof)).to.equal(
        false,
      );
      expect(await certificates.verify(root, proof, a.outsider.address, digest)).to.equal(Status.Unknown);
      expect(await certificates.verify(root, proof, recipient, id("forged"))).to.equal(Status.Unknown);
    });

    it("says Revoked once revoked, although the off-chain proof still checks", async function () {
      const { certificates, a, root, leaf } = await networkHelpers.loadFixture(anchored);
      const { digest, proof, recipient } = leaf(DEV_LEAVES.creator);
      await certificates.connect(a.issuer).revoke(root, proof, recipient, digest, REASON_CID);
      expect(StandardMerkleTree.verify(root, ["address", "bytes32"], [recipient, digest], proof)).to.equal(true);
      expect(await certificates.verify(root, proof, recipient, digest)).to.equal(Status.Revoked);
    });
  });

  describe("tokenStatus", function () {
    it("is Unknown for an unclaimed or unknown token, Valid once claimed, Revoked once revoked", async function () {
      const { certificates, a, root, leaf } = await networkHelpers.loadFixture(anchored);
      const { digest, proof, tokenId, recipient } = leaf(DEV_LEAVES.buyer);
      expect(await certificates.tokenStatus(tokenId)).to.equal(Status.Unknown);
      expect(await certificates.tokenStatus(12345n)).to.equal(Status.Unknown);
      await certificates.connect(a.buyer).claim(root, proof, digest);
      expect(await certificates.tokenStatus(tokenId)).to.equal(Status.Valid);
      await certificates.connect(a.issuer).revoke(root, proof, recipient, digest, REASON_CID);
      expect(await certificates.tokenStatus(tokenId)).to.equal(Status.Revoked);
    });
  });

  describe("leafHash", function () {
    it("equals the StandardMerkleTree leaf hash of (address, bytes32)", async function () {
      const { certificates, tree, entries } = await networkHelpers.loadFixture(anchored);
      for (const index of [0, 1, 17, 50, 99]) {
        const [recipient, digest] = entries[index]!;
        expect(await certificates.leafHash(recipient, digest)).to.equal(tree.leafHash([recipient, digest]));
      }
      const single = StandardMerkleTree.of([[ZeroAddress, ZeroHash]], ["address", "bytes32"]);
      expect(await certificates.leafHash(ZeroAddress, ZeroHash)).to.equal(single.leafHash([ZeroAddress, ZeroHash]));
      expect(single.root).to.equal(single.leafHash([ZeroAddress, ZeroHash]));
    });
  });

  describe("ERC-721 views", function () {
    it("is named Stoa Certificates (STOAC)", async function () {
      const { certificates } = await networkHelpers.loadFixture(anchored);
      expect(await certificates.name()).to.equal("Stoa Certificates");
      expect(await certificates.symbol()).to.equal("STOAC");
    });

    it("balanceOf reverts with ZeroAddress for the zero address", async function () {
      const { certificates } = await networkHelpers.loadFixture(anchored);
      await expect(certificates.balanceOf(ZeroAddress)).to.be.revertedWithCustomError(certificates, "ZeroAddress");
    });

    it("ownerOf, getApproved, locked and tokenURI revert with NonexistentToken for an unclaimed token", async function () {
      const { certificates, leaf } = await networkHelpers.loadFixture(anchored);
      const { tokenId } = leaf(DEV_LEAVES.buyer);
      for (const view of [
        certificates.ownerOf(tokenId),
        certificates.getApproved(tokenId),
        certificates.locked(tokenId),
        certificates.tokenURI(tokenId),
      ]) {
        await expect(view).to.be.revertedWithCustomError(certificates, "NonexistentToken").withArgs(tokenId);
      }
    });

    it("a claimed token is locked, has no approval and no operator", async function () {
      const { certificates, a, root, leaf } = await networkHelpers.loadFixture(anchored);
      const { digest, proof, tokenId } = leaf(DEV_LEAVES.buyer);
      await certificates.connect(a.buyer).claim(root, proof, digest);
      expect(await certificates.locked(tokenId)).to.equal(true);
      expect(await certificates.getApproved(tokenId)).to.equal(ZeroAddress);
      expect(await certificates.isApprovedForAll(a.buyer.address, a.other.address)).to.equal(false);
      expect(await certificates.isApprovedForAll(a.buyer.address, a.buyer.address)).to.equal(false);
    });
  });

  describe("tokenURI", function () {
    it("is ipfs:// + the raw CIDv1 of the metadata JSON, as multiformats computes it", async function () {
      const { certificates, a, root, leaf } = await networkHelpers.loadFixture(anchored);
      const claimers = [
        [a.buyer, DEV_LEAVES.buyer],
        [a.seller, DEV_LEAVES.seller],
        [a.worker, DEV_LEAVES.worker],
      ] as const;
      for (const [claimer, index] of claimers) {
        const { digest, proof, tokenId } = leaf(index);
        await certificates.connect(claimer).claim(root, proof, digest);
        const { bytes } = certificateJson(claimer.address, "Solidity 101", index);
        const cid = CID.create(1, raw.code, await sha2_256.digest(bytes));
        expect(ethers.hexlify(cid.multihash.digest)).to.equal(digest);
        expect(cid.toString()).to.match(/^bafkrei[a-z2-7]{52}$/);
        expect(await certificates.tokenURI(tokenId)).to.equal(`ipfs://${cid.toString()}`);
      }
    });

    it("renders edge digests (all zero, all 0xff, single bits) like multiformats", async function () {
      const { certificates, a } = await networkHelpers.loadFixture(anchored);
      const digests = [
        ZeroHash,
        `0x${"ff".repeat(32)}`,
        `0x${"00".repeat(31)}01`,
        `0x80${"00".repeat(31)}`,
        `0x${"a5".repeat(32)}`,
        sha256(toUtf8Bytes("{}")),
      ];
      for (const [i, digest] of digests.entries()) {
        await certificates.connect(a.issuer).issue(student(i), digest);
        expect(await certificates.tokenURI(BigInt(digest))).to.equal(`ipfs://${rawCid(digest)}`);
      }
      // The CID of the empty JSON object, as any IPFS node would give it for `{}` added as a raw block.
      expect(rawCid(sha256(toUtf8Bytes("{}")))).to.equal(
        CID.create(1, raw.code, await sha2_256.digest(toUtf8Bytes("{}"))).toString(),
      );
    });
  });

  describe("soulbound", function () {
    it("approve, setApprovalForAll, transferFrom and both safeTransferFrom revert with Soulbound", async function () {
      const { certificates, a, root, leaf } = await networkHelpers.loadFixture(anchored);
      const { digest, proof, tokenId } = leaf(DEV_LEAVES.buyer);
      await certificates.connect(a.buyer).claim(root, proof, digest);
      const holder = certificates.connect(a.buyer);
      await expect(holder.approve(a.other.address, tokenId)).to.be.revertedWithCustomError(certificates, "Soulbound");
      await expect(holder.setApprovalForAll(a.other.address, true)).to.be.revertedWithCustomError(
        certificates,
        "Soulbound",
      );
      await expect(holder.transferFrom(a.buyer.address, a.other.address, tokenId)).to.be.revertedWithCustomError(
        certificates,
        "Soulbound",
      );
      await expect(
        holder["safeTransferFrom(address,address,uint256)"](a.buyer.address, a.other.address, tokenId),
      ).to.be.revertedWithCustomError(certificates, "Soulbound");
      await expect(
        holder["safeTransferFrom(address,address,uint256,bytes)"](a.buyer.address, a.other.address, tokenId, "0x"),
      ).to.be.revertedWithCustomError(certificates, "Soulbound");
      expect(await certificates.ownerOf(tokenId)).to.equal(a.buyer.address);
    });
  });

  describe("supportsInterface", function () {
    it("supports ERC-165, ERC-721, ERC-721 Metadata, ERC-5192 and AccessControl, not a random id", async function () {
      const { certificates } = await networkHelpers.loadFixture(anchored);
      expect(await certificates.supportsInterface("0x01ffc9a7")).to.equal(true); // ERC-165
      expect(await certificates.supportsInterface("0x80ac58cd")).to.equal(true); // ERC-721
      expect(await certificates.supportsInterface("0x5b5e139f")).to.equal(true); // ERC-721 Metadata
      expect(await certificates.supportsInterface("0xb45a3c0e")).to.equal(true); // ERC-5192
      expect(await certificates.supportsInterface("0x7965db0b")).to.equal(true); // AccessControl
      expect(await certificates.supportsInterface("0x780e9d63")).to.equal(false); // ERC-721 Enumerable
      expect(await certificates.supportsInterface("0xffffffff")).to.equal(false);
      expect(await certificates.supportsInterface("0x12345678")).to.equal(false);
    });
  });
});
