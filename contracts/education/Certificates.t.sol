// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Foundry naming: test_*, testFuzz_*, invariant_*.
// solhint-disable func-name-mixedcase

import {Test} from "forge-std/Test.sol";
import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {Certificates} from "./Certificates.sol";

/// @notice A Merkle tree of certificate leaves built in Solidity with OpenZeppelin's commutative
/// keccak pair hashing (what MerkleProof verifies); an odd node is carried up unchanged.
library CertificateTree {
    /// @notice The standard leaf encoding of (recipient, digest), as Certificates.leafHash.
    function leaf(address recipient, bytes32 digest) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(recipient, digest))));
    }

    /// @notice The root of `leaves` and the proof of leaf `index`.
    function rootAndProof(
        bytes32[] memory leaves,
        uint256 index
    ) internal pure returns (bytes32 root, bytes32[] memory proof) {
        bytes32[] memory layer = leaves;
        bytes32[] memory path = new bytes32[](8);
        uint256 depth;
        while (layer.length > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < layer.length) path[depth++] = layer[sibling];
            bytes32[] memory next = new bytes32[]((layer.length + 1) / 2);
            for (uint256 i = 0; i < next.length; ++i) {
                next[i] =
                    2 * i + 1 < layer.length
                        ? Hashes.commutativeKeccak256(layer[2 * i], layer[2 * i + 1])
                        : layer[2 * i];
            }
            layer = next;
            index /= 2;
        }
        proof = new bytes32[](depth);
        for (uint256 i = 0; i < depth; ++i) proof[i] = path[i];
        root = layer[0];
    }
}

/// @notice Drives the real Certificates contract: an accredited issuer anchors Merkle batches of
/// 1-5 certificates or issues single ones, recipients claim (and others try to claim their
/// certificates), the issuer or the DAO revokes, and random accounts try every transfer and
/// approval path. Digests come from a small set, so the same certificate digest shows up in
/// several batches (only the first claim of a digest mints).
contract CertificatesHandler is CommonBase, StdCheats, StdUtils {
    struct Batch {
        bytes32 root;
        address[] recipients;
        bytes32[] digests;
    }

    Certificates public immutable certificates;
    address public immutable issuer;
    address public immutable dao;

    address[] public actors;
    Batch[] internal _batches;

    /// @dev Ghost state: every minted token, its holder and the batch it was claimed from.
    uint256[] public minted;
    mapping(uint256 tokenId => address) public holderOf;
    mapping(uint256 tokenId => bytes32) public mintRootOf;
    mapping(address holder => uint256) public mintedTo;
    mapping(bytes32 root => mapping(bytes32 digest => bool)) public revoked;
    /// @dev Calls that succeeded although they never should.
    uint256 public movesSucceeded;
    uint256 public foreignClaims;
    uint256 public revokedClaims;
    uint256 public doubleMints;
    /// @dev How often each kind of call succeeded, to check that the campaign reaches every path.
    mapping(bytes32 name => uint256) public successes;

    constructor(Certificates certificates_, address issuer_, address dao_, address[] memory actors_) {
        certificates = certificates_;
        issuer = issuer_;
        dao = dao_;
        actors = actors_;
    }

    function mintedCount() external view returns (uint256) {
        return minted.length;
    }

    function actorList() external view returns (address[] memory) {
        return actors;
    }

    // ---------------------------------------------------------------- issuing

    /// @notice The issuer anchors a batch of 1-5 certificates with distinct digests.
    function anchor(uint256 seed, uint256 sizeSeed) external {
        uint256 size = _bound(sizeSeed, 1, 5);
        address[] memory recipients = new address[](size);
        bytes32[] memory digests = new bytes32[](size);
        bytes32[] memory leaves = new bytes32[](size);
        uint256 first = seed % 16;
        for (uint256 i = 0; i < size; ++i) {
            recipients[i] = actors[uint256(keccak256(abi.encode(seed, i))) % actors.length];
            digests[i] = _digest(first + i);
            leaves[i] = CertificateTree.leaf(recipients[i], digests[i]);
        }
        (bytes32 root, ) = CertificateTree.rootAndProof(leaves, 0);
        vm.prank(issuer);
        try certificates.anchor(root, uint32(size), "bafkreimanifest") {
            _batches.push(Batch(root, recipients, digests));
            ++successes["anchor"];
        } catch {}
    }

    /// @notice The issuer issues one certificate directly (a batch of one, claimed at once).
    function issue(uint256 recipientSeed, uint256 digestSeed) external {
        address recipient = actors[recipientSeed % actors.length];
        bytes32 digest = _digest(digestSeed);
        vm.prank(issuer);
        try certificates.issue(recipient, digest) returns (uint256 tokenId) {
            address[] memory recipients = new address[](1);
            bytes32[] memory digests = new bytes32[](1);
            (recipients[0], digests[0]) = (recipient, digest);
            bytes32 root = CertificateTree.leaf(recipient, digest);
            _batches.push(Batch(root, recipients, digests));
            _recordMint(tokenId, recipient, root, digest);
            ++successes["issue"];
        } catch {}
    }

    // ---------------------------------------------------------------- claiming and revoking

    /// @notice The recipient of a certificate claims it.
    function claim(uint256 batchSeed, uint256 leafSeed) external {
        if (_batches.length == 0) return;
        (Batch memory b, uint256 index, bytes32[] memory proof) = _leaf(batchSeed, leafSeed);
        vm.prank(b.recipients[index]);
        try certificates.claim(b.root, proof, b.digests[index]) returns (uint256 tokenId) {
            if (revoked[b.root][b.digests[index]]) ++revokedClaims;
            _recordMint(tokenId, b.recipients[index], b.root, b.digests[index]);
            ++successes["claim"];
        } catch {}
    }

    /// @notice Another account tries to claim someone's certificate with its proof.
    function claimAsOther(uint256 batchSeed, uint256 leafSeed, uint256 actorSeed) external {
        if (_batches.length == 0) return;
        (Batch memory b, uint256 index, bytes32[] memory proof) = _leaf(batchSeed, leafSeed);
        address other = actors[actorSeed % actors.length];
        if (other == b.recipients[index]) return;
        vm.prank(other);
        try certificates.claim(b.root, proof, b.digests[index]) {
            ++foreignClaims;
        } catch {}
    }

    /// @notice The batch's issuer or the DAO revokes a certificate, claimed or not.
    function revoke(uint256 batchSeed, uint256 leafSeed, bool byDao) external {
        if (_batches.length == 0) return;
        (Batch memory b, uint256 index, bytes32[] memory proof) = _leaf(batchSeed, leafSeed);
        vm.prank(byDao ? dao : issuer);
        try certificates.revoke(b.root, proof, b.recipients[index], b.digests[index], "bafkreireason") {
            revoked[b.root][b.digests[index]] = true;
            ++successes["revoke"];
        } catch {}
    }

    // ---------------------------------------------------------------- moving (never succeeds)

    /// @notice A holder (or, with `byOther`, any account) tries every way to move or approve a
    /// certificate.
    function tryToMove(uint256 tokenSeed, uint256 toSeed, uint8 path, bool byOther) external {
        if (minted.length == 0) return;
        uint256 tokenId = minted[tokenSeed % minted.length];
        address holder = holderOf[tokenId];
        address to = actors[toSeed % actors.length];
        address caller = byOther ? to : holder;
        path = path % 5;
        vm.prank(caller);
        if (path == 0) {
            try certificates.transferFrom(holder, to, tokenId) {
                ++movesSucceeded;
            } catch {}
        } else if (path == 1) {
            try certificates.safeTransferFrom(holder, to, tokenId) {
                ++movesSucceeded;
            } catch {}
        } else if (path == 2) {
            try certificates.safeTransferFrom(holder, to, tokenId, "") {
                ++movesSucceeded;
            } catch {}
        } else if (path == 3) {
            try certificates.approve(to, tokenId) {
                ++movesSucceeded;
            } catch {}
        } else {
            try certificates.setApprovalForAll(to, true) {
                ++movesSucceeded;
            } catch {}
        }
        ++successes["moveReverted"];
    }

    // ---------------------------------------------------------------- internals

    /// @dev One of 16 digests, so that digests repeat across batches.
    function _digest(uint256 seed) private pure returns (bytes32) {
        return sha256(abi.encode("certificate", seed % 16));
    }

    function _leaf(
        uint256 batchSeed,
        uint256 leafSeed
    ) private view returns (Batch memory b, uint256 index, bytes32[] memory proof) {
        b = _batches[batchSeed % _batches.length];
        index = leafSeed % b.recipients.length;
        bytes32[] memory leaves = new bytes32[](b.recipients.length);
        for (uint256 i = 0; i < leaves.length; ++i) leaves[i] = CertificateTree.leaf(b.recipients[i], b.digests[i]);
        (, proof) = CertificateTree.rootAndProof(leaves, index);
    }

    function _recordMint(uint256 tokenId, address holder, bytes32 root, bytes32 digest) private {
        if (tokenId != uint256(digest) || holderOf[tokenId] != address(0)) ++doubleMints;
        minted.push(tokenId);
        holderOf[tokenId] = holder;
        mintRootOf[tokenId] = root;
        ++mintedTo[holder];
    }
}

/// @notice Invariant tests of the soulbound certificates: a minted certificate never changes
/// owner and stays locked, every balance is the number of certificates claimed by (or issued to)
/// its holder, a digest mints once, only the recipient claims, a revoked certificate is never
/// claimed and a claimed one shows its revocation. Plus a fuzz test of the test's Merkle tree.
contract CertificatesInvariantTest is Test {
    Certificates private certificates;
    CertificatesHandler private handler;

    function setUp() public {
        address issuer = makeAddr("issuer");
        address[] memory issuers = new address[](1);
        issuers[0] = issuer;
        certificates = new Certificates(address(this), issuers);
        address[] memory actors = new address[](4);
        actors[0] = makeAddr("alice");
        actors[1] = makeAddr("bob");
        actors[2] = makeAddr("carol");
        actors[3] = makeAddr("dave");
        handler = new CertificatesHandler(certificates, issuer, address(this), actors);
        targetContract(address(handler));
    }

    /// @notice Certificates never move: the owner of every minted token never changes, it stays
    /// locked and unapproved, and every call that would move or approve a certificate, mint a
    /// digest twice or claim someone else's certificate failed.
    function invariant_ownersNeverChange() public view {
        assertEq(handler.movesSucceeded(), 0, "a transfer or approval succeeded");
        assertEq(handler.foreignClaims(), 0, "someone claimed another's certificate");
        assertEq(handler.doubleMints(), 0, "a digest was minted twice");
        uint256 count = handler.mintedCount();
        for (uint256 i = 0; i < count; ++i) {
            uint256 tokenId = handler.minted(i);
            assertEq(certificates.ownerOf(tokenId), handler.holderOf(tokenId), "owner never changes");
            assertTrue(certificates.locked(tokenId), "always locked");
            assertEq(certificates.getApproved(tokenId), address(0), "never approved");
        }
    }

    /// @notice Every balance is the number of certificates minted to its holder, and no account
    /// is ever an operator.
    function invariant_balancesEqualMints() public view {
        address[] memory actors = handler.actorList();
        uint256 total;
        for (uint256 i = 0; i < actors.length; ++i) {
            assertEq(certificates.balanceOf(actors[i]), handler.mintedTo(actors[i]), "balance == minted to holder");
            total += certificates.balanceOf(actors[i]);
            for (uint256 j = 0; j < actors.length; ++j) {
                assertFalse(certificates.isApprovedForAll(actors[i], actors[j]), "no operators");
            }
        }
        assertEq(total, handler.mintedCount(), "balances add up to the tokens minted");
    }

    /// @notice A revoked certificate is never claimed, and a claimed one shows the revocation of
    /// the batch entry it was claimed from (and only that one).
    function invariant_revocationsShow() public view {
        assertEq(handler.revokedClaims(), 0, "a revoked certificate was claimed");
        uint256 count = handler.mintedCount();
        for (uint256 i = 0; i < count; ++i) {
            uint256 tokenId = handler.minted(i);
            Certificates.CertificateStatus expected =
                handler.revoked(handler.mintRootOf(tokenId), bytes32(tokenId))
                    ? Certificates.CertificateStatus.Revoked
                    : Certificates.CertificateStatus.Valid;
            assertEq(uint8(certificates.tokenStatus(tokenId)), uint8(expected), "token shows its revocation");
        }
    }

    /// @notice The Solidity tree the handler uses builds proofs the contract accepts for every
    /// leaf of batches of 1 to 9, and no proof for another recipient.
    function testFuzz_treeProofsVerify(uint256 seed, uint256 sizeSeed) public {
        uint256 size = bound(sizeSeed, 1, 9);
        bytes32[] memory leaves = new bytes32[](size);
        address[] memory recipients = new address[](size);
        for (uint256 i = 0; i < size; ++i) {
            recipients[i] = address(uint160(uint256(keccak256(abi.encode(seed, i))) | 1));
            leaves[i] = CertificateTree.leaf(recipients[i], bytes32(i));
            assertEq(leaves[i], certificates.leafHash(recipients[i], bytes32(i)), "standard leaf encoding");
        }
        (bytes32 root, ) = CertificateTree.rootAndProof(leaves, 0);
        vm.prank(handler.issuer());
        certificates.anchor(root, uint32(size), "");
        for (uint256 i = 0; i < size; ++i) {
            (bytes32 sameRoot, bytes32[] memory proof) = CertificateTree.rootAndProof(leaves, i);
            assertEq(sameRoot, root);
            assertEq(
                uint8(certificates.verify(root, proof, recipients[i], bytes32(i))),
                uint8(Certificates.CertificateStatus.Valid)
            );
            assertEq(
                uint8(certificates.verify(root, proof, address(0xbad), bytes32(i))),
                uint8(Certificates.CertificateStatus.Unknown)
            );
        }
    }
}
