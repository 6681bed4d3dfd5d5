// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Test doubles for the token, certificate and asset tests only.

/// @notice A contract account without the ERC-721 receiver hook: it forwards calls (for example a
/// StoaAssets mint, which mints to the caller) and bubbles their revert data unchanged, so that a
/// test can assert the callee's custom error.
contract PlainCaller {
    function execute(address to, bytes calldata data) external returns (bytes memory) {
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = to.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
        return result;
    }
}
