// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721URIStorage} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721URIStorage.sol";
import {ERC2981} from "@openzeppelin/contracts/token/common/ERC2981.sol";

/// @title StoaAssets
/// @notice ERC-721 for creators' 3D and media assets. Anyone mints a token for a metadata CID
/// (IPFS) and names a royalty (ERC-2981, capped) that marketplaces pay on every sale. The creator
/// may point the token at new metadata while it still owns it (ERC-4906 `MetadataUpdate`).
/// @dev No privileged role: minting is open, royalties are per token and capped in code.
contract StoaAssets is ERC721URIStorage, ERC2981 {
    /// @notice Highest royalty a creator may set: 10%.
    uint96 public constant MAX_ROYALTY_BPS = 1_000;

    /// @notice Number of tokens minted; ids run from 1 to `totalMinted`.
    uint256 public totalMinted;
    /// @notice The account that minted each token.
    mapping(uint256 tokenId => address) public creatorOf;

    /// @notice `creator` minted `tokenId` for `metadataCid`, paying `royaltyBps` to `royaltyReceiver`.
    event AssetMinted(
        uint256 indexed tokenId,
        address indexed creator,
        string metadataCid,
        address royaltyReceiver,
        uint96 royaltyBps
    );
    /// @notice The creator pointed `tokenId` at `metadataCid`.
    event AssetMetadataChanged(uint256 indexed tokenId, string metadataCid);

    /// @notice The royalty is above MAX_ROYALTY_BPS.
    error RoyaltyAboveCap(uint256 royaltyBps, uint256 capBps);
    /// @notice The metadata CID is empty.
    error EmptyMetadataCid();
    /// @notice Only the creator, while it owns the token, may change its metadata.
    error NotCreatorOwner(uint256 tokenId, address account);

    constructor() ERC721("Stoa Assets", "STOAA") {}

    /// @notice Mints a new asset to the caller.
    /// @param metadataCid IPFS CID of the asset's metadata (JSON naming the 3D or media files).
    /// @param royaltyReceiver Receiver of royalties; address(0) for no royalty.
    /// @param royaltyBps Royalty in basis points of each sale price, at most MAX_ROYALTY_BPS.
    /// @return tokenId The new token's id.
    function mint(
        string calldata metadataCid,
        address royaltyReceiver,
        uint96 royaltyBps
    ) external returns (uint256 tokenId) {
        if (bytes(metadataCid).length == 0) revert EmptyMetadataCid();
        if (royaltyBps > MAX_ROYALTY_BPS) revert RoyaltyAboveCap(royaltyBps, MAX_ROYALTY_BPS);
        tokenId = ++totalMinted;
        creatorOf[tokenId] = msg.sender;
        if (royaltyReceiver != address(0) && royaltyBps != 0) {
            _setTokenRoyalty(tokenId, royaltyReceiver, royaltyBps);
        }
        _setTokenURI(tokenId, metadataCid);
        emit AssetMinted(tokenId, msg.sender, metadataCid, royaltyReceiver, royaltyBps);
        _safeMint(msg.sender, tokenId);
    }

    /// @notice Points `tokenId` at new metadata; only its creator, while it owns the token.
    function setMetadata(uint256 tokenId, string calldata metadataCid) external {
        if (bytes(metadataCid).length == 0) revert EmptyMetadataCid();
        if (creatorOf[tokenId] != msg.sender || _ownerOf(tokenId) != msg.sender) {
            revert NotCreatorOwner(tokenId, msg.sender);
        }
        _setTokenURI(tokenId, metadataCid);
        emit AssetMetadataChanged(tokenId, metadataCid);
    }

    /// @inheritdoc ERC721URIStorage
    function supportsInterface(bytes4 interfaceId) public view override(ERC721URIStorage, ERC2981) returns (bool) {
        return super.supportsInterface(interfaceId);
    }

    function _baseURI() internal pure override returns (string memory) {
        return "ipfs://";
    }
}
