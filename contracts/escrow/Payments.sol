// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {StoaRegistry} from "../governance/StoaRegistry.sol";

/// @title Payments
/// @notice Money in and out for Stoa's escrows and sales, in ETH (token = address(0)) or an
/// ERC-20 accepted by the registry.
/// @dev Incoming ERC-20 payments are measured by balance, so a token that takes a fee on transfer
/// is refused explicitly instead of leaving the contract short. Outgoing payments are pushed,
/// and a push that fails (a contract that rejects ETH, a token that blocks the receiver) becomes a
/// withdrawable credit instead of blocking the payment: pull payments only where needed.
/// Protocol fees accrue here and anyone can sweep them to the registry's treasury.
abstract contract Payments is ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Gas forwarded with an ETH push: enough for a smart-contract wallet's receive hook,
    /// too little to grief the caller.
    uint256 public constant PUSH_GAS_LIMIT = 30_000;

    /// @notice The platform registry: fees, arbiters, deny list, payment tokens, treasury.
    StoaRegistry public immutable registry;

    /// @notice Amount of `token` (address(0) for ETH) that `account` may withdraw.
    mapping(address account => mapping(address token => uint256)) public credits;
    /// @notice Protocol fees in `token` waiting to be swept to the treasury.
    mapping(address token => uint256) public accruedFees;

    /// @notice A push of `amount` `token` to `account` failed; it is withdrawable instead.
    event Credited(address indexed account, address indexed token, uint256 amount);
    /// @notice `account` withdrew `amount` of its `token` credit to `to`.
    event Withdrawn(address indexed account, address indexed token, uint256 amount, address to);
    /// @notice `amount` of accrued `token` fees went to `treasury`.
    event FeesSwept(address indexed token, address indexed treasury, uint256 amount);

    /// @notice `sent` wei of ETH came with a payment of `expected`.
    error WrongEthValue(uint256 sent, uint256 expected);
    /// @notice `token` delivered `received` of the `expected` amount (a fee-on-transfer token).
    error FeeOnTransferNotSupported(address token, uint256 expected, uint256 received);
    /// @notice `account` has no `token` credit to withdraw.
    error NothingToWithdraw(address account, address token);
    /// @notice The withdrawal of a credit failed.
    error WithdrawalFailed(address account, address token, uint256 amount);
    /// @notice A permit was given for `token`, which is ETH or not a contract.
    error NotAToken(address token);
    /// @notice An amount of zero was given.
    error ZeroAmount();
    /// @notice The zero address was given where an account is required.
    error ZeroAddress();

    constructor(StoaRegistry registry_) {
        if (address(registry_) == address(0)) revert ZeroAddress();
        registry = registry_;
    }

    /// @notice Withdraws the caller's whole `token` credit to `to`.
    /// @param token The token, or address(0) for ETH.
    /// @param to Receiver of the credit (the caller itself when it can receive).
    function withdraw(address token, address to) external nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        uint256 amount = credits[msg.sender][token];
        if (amount == 0) revert NothingToWithdraw(msg.sender, token);
        credits[msg.sender][token] = 0;
        emit Withdrawn(msg.sender, token, amount, to);
        if (token == address(0)) {
            (bool ok, ) = to.call{value: amount}("");
            if (!ok) revert WithdrawalFailed(msg.sender, token, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }

    /// @notice Sends every accrued `token` fee to the registry's treasury. Anyone may call it.
    function sweepFees(address token) external nonReentrant {
        uint256 amount = accruedFees[token];
        if (amount == 0) revert NothingToWithdraw(address(this), token);
        accruedFees[token] = 0;
        address treasury = registry.treasury();
        emit FeesSwept(token, treasury, amount);
        if (token == address(0)) {
            (bool ok, ) = treasury.call{value: amount}("");
            if (!ok) revert WithdrawalFailed(treasury, token, amount);
        } else {
            IERC20(token).safeTransfer(treasury, amount);
        }
    }

    /// @dev Takes `amount` of `token` from `payer` into this contract: ETH from msg.value, an
    /// ERC-20 by transferFrom, checked by balance.
    function _collect(address token, address payer, uint256 amount) internal {
        if (amount == 0) revert ZeroAmount();
        if (token == address(0)) {
            if (msg.value != amount) revert WrongEthValue(msg.value, amount);
            return;
        }
        if (msg.value != 0) revert WrongEthValue(msg.value, 0);
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(payer, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - before;
        if (received != amount) revert FeeOnTransferNotSupported(token, amount, received);
    }

    /// @dev Uses an EIP-2612 permit for `amount` of `token` from msg.sender. A failing permit is
    /// ignored, because a front-runner may have submitted it already: `_collect` then succeeds if
    /// the allowance is there and fails otherwise.
    function _permit(address token, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) internal {
        if (token.code.length == 0) revert NotAToken(token);
        try IERC20Permit(token).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
    }

    /// @dev Pays `amount` of `token` to `to`, or credits it if the push fails. Call it last.
    function _pay(address to, address token, uint256 amount) internal {
        if (amount == 0) return;
        bool ok;
        if (token == address(0)) {
            uint256 gasLimit = PUSH_GAS_LIMIT;
            // A plain call that copies no return data: the receiver cannot grief with a large
            // return buffer, and gets a bounded amount of gas.
            assembly ("memory-safe") {
                ok := call(gasLimit, to, amount, 0, 0, 0, 0)
            }
        } else {
            ok = IERC20(token).trySafeTransfer(to, amount);
        }
        if (!ok) {
            credits[to][token] += amount;
            emit Credited(to, token, amount);
        }
    }

    /// @dev Records a protocol fee; an effect, so call it before any push.
    function _accrueFee(address token, uint256 amount) internal {
        if (amount != 0) accruedFees[token] += amount;
    }
}
