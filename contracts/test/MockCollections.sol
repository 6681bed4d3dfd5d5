// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

// Test doubles for the contract tests only: ERC-721 collections with odd royalty behaviour.

/// @notice An ERC-721 without ERC-2981.
contract NoRoyaltyCollection is ERC721 {
    constructor() ERC721("No Royalty", "NOROY") {}

    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }
}

/// @notice An ERC-721 whose `royaltyInfo` returns whatever was set, with no cap.
contract GreedyRoyaltyCollection is ERC721 {
    address public receiver;
    uint256 public royaltyBps;

    constructor() ERC721("Greedy Royalty", "GREEDY") {}

    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }

    function setRoyalty(address receiver_, uint256 bps) external {
        receiver = receiver_;
        royaltyBps = bps;
    }

    function royaltyInfo(uint256, uint256 price) external view returns (address, uint256) {
        return (receiver, (price * royaltyBps) / 10_000);
    }
}
