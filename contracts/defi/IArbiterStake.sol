// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IArbiterStake
/// @notice What the registry needs from the staking vault to qualify an arbiter.
interface IArbiterStake {
    /// @notice StoaToken wei that `account` has staked and that can still be slashed: zero while a
    /// withdrawal is pending, since a leaving arbiter must not take new cases.
    function arbiterStake(address account) external view returns (uint256);
}
