// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC5192} from "./IERC5192.sol";
import {RawCid} from "./RawCid.sol";

/// @title Certificates
/// @notice Soulbound certificates (ERC-721 + ERC-5192, always locked) issued by issuers the DAO
/// accredits, Blockcerts style: an issuer anchors the Merkle root of a batch of N certificates in
/// one transaction; anyone verifies a certificate with its proof, off-chain or with `verify`; the
/// holder claims its soulbound token from the proof. The issuer (or the DAO) revokes a
/// certificate, claimed or not, with a reason.
/// @dev A certificate is the pair (recipient, digest), where `digest` is the sha2-256 of its
/// metadata JSON, stored in IPFS as a raw block: the token id is the digest and `tokenURI` is
/// `ipfs://` + that CID. Leaves use OpenZeppelin's standard Merkle tree encoding of
/// (address recipient, bytes32 digest). Only the recipient claims, so no one can claim a copy of
/// a certificate from another batch in its name. A token stores its holder and a 88-bit tag of
/// its batch root in one slot, which keeps a claim near 80k gas.
contract Certificates is AccessControl, IERC721, IERC721Metadata, IERC5192 {
    /// @notice Role of accredited issuers, granted and revoked by the DAO.
    bytes32 public constant ISSUER_ROLE = keccak256("ISSUER_ROLE");

    /// @notice What anyone can check about a certificate.
    enum CertificateStatus {
        Unknown,
        Valid,
        Revoked
    }

    /// @notice An anchored batch.
    /// @param issuer The accredited issuer that anchored it.
    /// @param anchoredAt When (unix seconds).
    /// @param size Number of certificates it holds.
    struct Batch {
        address issuer;
        uint40 anchoredAt;
        uint32 size;
    }

    struct Holding {
        address holder;
        uint88 rootTag;
        bool revoked;
    }

    mapping(bytes32 root => Batch) private _batches;
    mapping(uint256 tokenId => Holding) private _holdings;
    mapping(address holder => uint256) private _balances;
    mapping(bytes32 rootAndDigest => bool) private _revoked;

    /// @notice `issuer` anchored a batch of `size` certificates; `manifestCid` lists its leaves.
    event BatchAnchored(bytes32 indexed root, address indexed issuer, uint32 size, string manifestCid);
    /// @notice `holder` claimed certificate `tokenId` from the batch `root`.
    event CertificateClaimed(uint256 indexed tokenId, bytes32 indexed root, address indexed holder);
    /// @notice `by` revoked certificate `tokenId` of the batch `root`; the reason is at `reasonCid`.
    event CertificateRevoked(uint256 indexed tokenId, bytes32 indexed root, address indexed by, string reasonCid);

    /// @notice Certificates never move.
    error Soulbound();
    /// @notice A batch with this root exists already.
    error BatchExists(bytes32 root);
    /// @notice No batch with this root.
    error UnknownBatch(bytes32 root);
    /// @notice The batch is empty or the root is zero.
    error EmptyBatch();
    /// @notice The proof does not place (recipient, digest) in the batch.
    error InvalidProof(bytes32 root, address recipient, bytes32 digest);
    /// @notice The certificate was revoked.
    error CertificateIsRevoked(uint256 tokenId);
    /// @notice The certificate's token exists already.
    error AlreadyClaimed(uint256 tokenId);
    /// @notice No token with this id.
    error NonexistentToken(uint256 tokenId);
    /// @notice Only the batch's issuer or the DAO may revoke.
    error NotBatchIssuer(bytes32 root, address account);
    /// @notice The zero address was given where an account is required.
    error ZeroAddress();

    /// @param admin The DAO timelock: receives DEFAULT_ADMIN_ROLE (grants ISSUER_ROLE).
    /// @param initialIssuers The first accredited issuers.
    constructor(address admin, address[] memory initialIssuers) {
        if (admin == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        for (uint256 i = 0; i < initialIssuers.length; ++i) {
            _grantRole(ISSUER_ROLE, initialIssuers[i]);
        }
    }

    // ---------------------------------------------------------------- issuing

    /// @notice Anchors a batch of `size` certificates by its Merkle root.
    /// @param manifestCid IPFS CID of the batch manifest (its leaves), from which holders get proofs.
    function anchor(bytes32 root, uint32 size, string calldata manifestCid) external onlyRole(ISSUER_ROLE) {
        _anchor(root, size, manifestCid);
    }

    /// @notice Issues one certificate directly: a batch of one, claimed at once for `recipient`.
    /// @return tokenId The certificate's token id (its digest).
    function issue(address recipient, bytes32 digest) external onlyRole(ISSUER_ROLE) returns (uint256 tokenId) {
        if (recipient == address(0)) revert ZeroAddress();
        bytes32 root = leafHash(recipient, digest);
        _anchor(root, 1, "");
        return _mint(root, recipient, digest);
    }

    /// @notice The caller claims its soulbound token for certificate `digest` of batch `root`.
    /// @param proof Merkle proof of the leaf (caller, digest) in the batch.
    /// @return tokenId The certificate's token id (its digest).
    function claim(bytes32 root, bytes32[] calldata proof, bytes32 digest) external returns (uint256 tokenId) {
        if (_batches[root].issuer == address(0)) revert UnknownBatch(root);
        if (!MerkleProof.verifyCalldata(proof, root, leafHash(msg.sender, digest))) {
            revert InvalidProof(root, msg.sender, digest);
        }
        if (_revoked[_revocationKey(root, msg.sender, digest)]) revert CertificateIsRevoked(uint256(digest));
        return _mint(root, msg.sender, digest);
    }

    /// @notice Revokes certificate (recipient, digest) of batch `root`, claimed or not.
    /// @param reasonCid IPFS CID of the document that explains the revocation.
    function revoke(
        bytes32 root,
        bytes32[] calldata proof,
        address recipient,
        bytes32 digest,
        string calldata reasonCid
    ) external {
        Batch memory anchored = _batches[root];
        if (anchored.issuer == address(0)) revert UnknownBatch(root);
        bool isIssuer = msg.sender == anchored.issuer && hasRole(ISSUER_ROLE, msg.sender);
        if (!isIssuer && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) revert NotBatchIssuer(root, msg.sender);
        if (!MerkleProof.verifyCalldata(proof, root, leafHash(recipient, digest))) {
            revert InvalidProof(root, recipient, digest);
        }
        bytes32 key = _revocationKey(root, recipient, digest);
        if (_revoked[key]) revert CertificateIsRevoked(uint256(digest));
        _revoked[key] = true;
        Holding storage holding = _holdings[uint256(digest)];
        if (holding.holder == recipient && holding.rootTag == _rootTag(root)) holding.revoked = true;
        emit CertificateRevoked(uint256(digest), root, msg.sender, reasonCid);
    }

    // ---------------------------------------------------------------- verifying

    /// @notice The status of certificate (recipient, digest) in batch `root`, proven by `proof`.
    function verify(
        bytes32 root,
        bytes32[] calldata proof,
        address recipient,
        bytes32 digest
    ) external view returns (CertificateStatus) {
        if (_batches[root].issuer == address(0)) return CertificateStatus.Unknown;
        if (!MerkleProof.verifyCalldata(proof, root, leafHash(recipient, digest))) return CertificateStatus.Unknown;
        if (_revoked[_revocationKey(root, recipient, digest)]) return CertificateStatus.Revoked;
        return CertificateStatus.Valid;
    }

    /// @notice The status of a claimed certificate token.
    function tokenStatus(uint256 tokenId) external view returns (CertificateStatus) {
        Holding memory holding = _holdings[tokenId];
        if (holding.holder == address(0)) return CertificateStatus.Unknown;
        if (holding.revoked) return CertificateStatus.Revoked;
        return CertificateStatus.Valid;
    }

    /// @notice The batch anchored with `root` (issuer zero if none).
    function batch(bytes32 root) external view returns (Batch memory) {
        return _batches[root];
    }

    /// @notice The Merkle leaf of a certificate: OpenZeppelin's standard tree encoding of
    /// (address recipient, bytes32 digest).
    function leafHash(address recipient, bytes32 digest) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(recipient, digest))));
    }

    // ---------------------------------------------------------------- ERC-721 (read only)

    /// @inheritdoc IERC721Metadata
    function name() external pure returns (string memory) {
        return "Stoa Certificates";
    }

    /// @inheritdoc IERC721Metadata
    function symbol() external pure returns (string memory) {
        return "STOAC";
    }

    /// @notice `ipfs://` + the raw CID of the certificate's metadata JSON.
    function tokenURI(uint256 tokenId) external view returns (string memory) {
        _requireOwned(tokenId);
        return string.concat("ipfs://", RawCid.toString(bytes32(tokenId)));
    }

    /// @inheritdoc IERC721
    function balanceOf(address owner) external view returns (uint256) {
        if (owner == address(0)) revert ZeroAddress();
        return _balances[owner];
    }

    /// @inheritdoc IERC721
    function ownerOf(uint256 tokenId) external view returns (address) {
        return _requireOwned(tokenId);
    }

    /// @notice Always true for an existing certificate: certificates are soulbound.
    function locked(uint256 tokenId) external view returns (bool) {
        _requireOwned(tokenId);
        return true;
    }

    /// @notice Certificates have no approvals: always the zero address.
    function getApproved(uint256 tokenId) external view returns (address) {
        _requireOwned(tokenId);
        return address(0);
    }

    /// @notice Certificates have no operators: always false.
    function isApprovedForAll(address, address) external pure returns (bool) {
        return false;
    }

    /// @notice Always reverts: certificates are soulbound.
    function approve(address, uint256) external pure {
        revert Soulbound();
    }

    /// @notice Always reverts: certificates are soulbound.
    function setApprovalForAll(address, bool) external pure {
        revert Soulbound();
    }

    /// @notice Always reverts: certificates are soulbound.
    function transferFrom(address, address, uint256) external pure {
        revert Soulbound();
    }

    /// @notice Always reverts: certificates are soulbound.
    function safeTransferFrom(address, address, uint256) external pure {
        revert Soulbound();
    }

    /// @notice Always reverts: certificates are soulbound.
    function safeTransferFrom(address, address, uint256, bytes calldata) external pure {
        revert Soulbound();
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) public view override(AccessControl, IERC165) returns (bool) {
        return
            interfaceId == type(IERC721).interfaceId ||
            interfaceId == type(IERC721Metadata).interfaceId ||
            interfaceId == type(IERC5192).interfaceId ||
            super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- internals

    function _anchor(bytes32 root, uint32 size, string memory manifestCid) private {
        if (root == bytes32(0) || size == 0) revert EmptyBatch();
        if (_batches[root].issuer != address(0)) revert BatchExists(root);
        _batches[root] = Batch(msg.sender, uint40(block.timestamp), size);
        emit BatchAnchored(root, msg.sender, size, manifestCid);
    }

    function _mint(bytes32 root, address holder, bytes32 digest) private returns (uint256 tokenId) {
        tokenId = uint256(digest);
        if (_holdings[tokenId].holder != address(0)) revert AlreadyClaimed(tokenId);
        _holdings[tokenId] = Holding(holder, _rootTag(root), false);
        unchecked {
            ++_balances[holder];
        }
        emit Transfer(address(0), holder, tokenId);
        emit Locked(tokenId);
        emit CertificateClaimed(tokenId, root, holder);
    }

    function _requireOwned(uint256 tokenId) private view returns (address holder) {
        holder = _holdings[tokenId].holder;
        if (holder == address(0)) revert NonexistentToken(tokenId);
    }

    /// @dev A revocation is of one leaf of one batch: the same digest for another recipient, or in
    /// another batch, stays valid.
    function _revocationKey(bytes32 root, address recipient, bytes32 digest) private pure returns (bytes32) {
        return keccak256(abi.encode(root, recipient, digest));
    }

    function _rootTag(bytes32 root) private pure returns (uint88) {
        return uint88(uint256(root) >> 168);
    }
}
