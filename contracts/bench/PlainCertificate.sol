// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721URIStorage} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721URIStorage.sol";

/// @title PlainCertificate
/// @notice Gas reference for `npm run bench:gas` only, never deployed: one plain OpenZeppelin
/// `_safeMint` (with its metadata URI) per certificate, to compare the Merkle batch against.
contract PlainCertificate is ERC721URIStorage {
    uint256 public count;

    constructor() ERC721("Plain Certificate", "PCERT") {}

    function issue(address recipient, string calldata metadataCid) external returns (uint256 tokenId) {
        tokenId = ++count;
        _safeMint(recipient, tokenId);
        _setTokenURI(tokenId, metadataCid);
    }
}
