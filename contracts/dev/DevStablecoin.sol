// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title DevStablecoin
/// @notice A dollar-like ERC-20 with EIP-2612 permits for the local dev chain only, with an open
/// faucet. Never deploy it to a public network.
contract DevStablecoin is ERC20, ERC20Permit {
    /// @notice Most a single faucet call hands out: 10,000 dUSD.
    uint256 public constant FAUCET_LIMIT = 10_000e6;

    /// @notice A faucet request above FAUCET_LIMIT.
    error FaucetLimit(uint256 requested, uint256 limit);

    constructor() ERC20("Dev USD", "dUSD") ERC20Permit("Dev USD") {}

    /// @notice Six decimals, like the dollar stablecoins it stands in for.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` (at most FAUCET_LIMIT) to `to`.
    function faucet(address to, uint256 amount) external {
        if (amount > FAUCET_LIMIT) revert FaucetLimit(amount, FAUCET_LIMIT);
        _mint(to, amount);
    }
}
