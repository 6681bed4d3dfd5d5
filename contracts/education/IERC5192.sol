// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ERC-5192: Minimal Soulbound NFTs
/// @notice Interface id 0xb45a3c0e.
interface IERC5192 {
    /// @notice `tokenId` became non-transferable.
    event Locked(uint256 tokenId);
    /// @notice `tokenId` became transferable.
    event Unlocked(uint256 tokenId);

    /// @notice Whether `tokenId` is non-transferable; reverts for a token that does not exist.
    function locked(uint256 tokenId) external view returns (bool);
}
