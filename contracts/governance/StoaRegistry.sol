// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IArbiterStake} from "../defi/IArbiterStake.sol";

/// @title StoaRegistry
/// @notice The DAO-controlled platform registry read by Stoa's contracts and nodes: the deny list,
/// the arbiter set, the ERC-20 tokens accepted as payment, the treasury and the protocol
/// parameters (fees under fixed caps, dispute and ruling windows, minimum arbiter stake). One
/// governance proposal changes one place.
/// @dev Every setter is restricted to DEFAULT_ADMIN_ROLE, held by the DAO timelock alone. Events
/// carry old and new values so that an indexer can rebuild the registry from logs.
contract StoaRegistry is AccessControl {
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @notice Cap on the protocol fee: 10% of a payment.
    uint16 public constant MAX_PROTOCOL_FEE_BPS = 1_000;
    /// @notice Cap on the arbiter fee: 15% of a disputed payment.
    uint16 public constant MAX_ARBITER_FEE_BPS = 1_500;
    /// @notice Bounds on the windows (seconds).
    uint32 public constant MIN_WINDOW = 1 hours;
    uint32 public constant MAX_WINDOW = 365 days;

    /// @notice Protocol parameters, packed in one storage slot so that contracts read them once.
    /// @param protocolFeeBps Fee on every sale or payout to a seller or worker, in basis points.
    /// @param arbiterFeeBps Fee of the arbiter on a ruled dispute, in basis points.
    /// @param minDisputeWindow Shortest time (seconds) an escrow leaves the payer to release or
    /// dispute before the payee may claim.
    /// @param maxDeliveryPeriod Longest time (seconds) an escrow may run before the payee may claim.
    /// @param rulingPeriod Time (seconds) an arbiter has to rule on a dispute.
    /// @param minArbiterStake StoaToken wei an arbiter must keep staked in the staking vault.
    struct Params {
        uint16 protocolFeeBps;
        uint16 arbiterFeeBps;
        uint32 minDisputeWindow;
        uint32 maxDeliveryPeriod;
        uint32 rulingPeriod;
        uint128 minArbiterStake;
    }

    /// @dev Per-account flags, packed so that one read answers "denied?" and "arbiter?".
    struct AccountStatus {
        uint64 deniedSince;
        bool arbiter;
    }

    /// @notice The staking vault whose stakes qualify arbiters.
    IArbiterStake public immutable stakingVault;

    Params private _params;
    address private _treasury;
    mapping(address account => AccountStatus) private _accounts;
    mapping(address token => bool) private _paymentTokens;
    EnumerableSet.AddressSet private _arbiterSet;

    /// @notice The parameters were changed.
    event ParamsUpdated(Params previous, Params current);
    /// @notice The treasury, receiver of protocol fees and slashed stakes, was changed.
    event TreasuryUpdated(address indexed previous, address indexed current);
    /// @notice `account` was put on the deny list from `since` (unix seconds) for the reason
    /// documented at `reasonCid` (IPFS).
    event AccountDenied(address indexed account, string reasonCid, uint64 since);
    /// @notice `account` was taken off the deny list; `reasonCid` documents why.
    event AccountAllowed(address indexed account, string reasonCid);
    /// @notice `arbiter` joined the arbiter set; its public profile is at `profileCid`.
    event ArbiterAdded(address indexed arbiter, string profileCid);
    /// @notice `arbiter` left the arbiter set.
    event ArbiterRemoved(address indexed arbiter);
    /// @notice `token` was accepted (`allowed`) or refused as a payment token.
    event PaymentTokenSet(address indexed token, bool allowed);

    /// @notice A fee is above its cap.
    error FeeAboveCap(uint256 feeBps, uint256 capBps);
    /// @notice A window is outside [MIN_WINDOW, MAX_WINDOW] or inconsistent with another.
    error WindowOutOfRange(uint256 seconds_);
    /// @notice The zero address was given where an account is required.
    error ZeroAddress();
    /// @notice `account` is on the deny list.
    error AccountIsDenied(address account);
    /// @notice `account` is not on the deny list.
    error AccountNotDenied(address account);
    /// @notice `account` is already an arbiter.
    error AlreadyArbiter(address account);
    /// @notice `account` is not in the arbiter set.
    error NotArbiter(address account);
    /// @notice `arbiter` has `stake` staked, below the minimum `required`.
    error InsufficientArbiterStake(address arbiter, uint256 stake, uint256 required);
    /// @notice `token` is not an accepted payment token.
    error PaymentTokenNotAllowed(address token);
    /// @notice The arbiter `arbiter` is one of the parties it would judge.
    error ArbiterIsParty(address arbiter);

    /// @param admin The DAO timelock: receives DEFAULT_ADMIN_ROLE.
    /// @param vault Staking vault that qualifies arbiters.
    /// @param treasury_ Receiver of protocol fees.
    /// @param params_ Initial parameters.
    /// @param initialArbiters The first arbiter set (profiles can be published later).
    /// @param initialPaymentTokens The first accepted ERC-20 payment tokens.
    constructor(
        address admin,
        IArbiterStake vault,
        address treasury_,
        Params memory params_,
        address[] memory initialArbiters,
        address[] memory initialPaymentTokens
    ) {
        if (admin == address(0) || address(vault) == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        stakingVault = vault;
        _setTreasury(treasury_);
        _setParams(params_);
        for (uint256 i = 0; i < initialArbiters.length; ++i) {
            _addArbiter(initialArbiters[i], "");
        }
        for (uint256 i = 0; i < initialPaymentTokens.length; ++i) {
            _setPaymentToken(initialPaymentTokens[i], true);
        }
    }

    // ---------------------------------------------------------------- views

    /// @notice The current protocol parameters.
    function params() external view returns (Params memory) {
        return _params;
    }

    /// @notice Receiver of protocol fees.
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @notice Whether `account` is on the deny list.
    function isDenied(address account) public view returns (bool) {
        return _accounts[account].deniedSince != 0;
    }

    /// @notice Unix time (seconds) since which `account` is denied, or 0 if it is not.
    function deniedSince(address account) external view returns (uint64) {
        return _accounts[account].deniedSince;
    }

    /// @notice Whether `account` is in the arbiter set (whatever its stake).
    function isArbiter(address account) external view returns (bool) {
        return _accounts[account].arbiter;
    }

    /// @notice Every account of the arbiter set, in no particular order.
    function arbiters() external view returns (address[] memory) {
        return _arbiterSet.values();
    }

    /// @notice Whether `token` is accepted as payment (the zero address, ETH, always is).
    function isPaymentToken(address token) public view returns (bool) {
        return token == address(0) || _paymentTokens[token];
    }

    /// @notice The terms of an escrow between `payer` and `payee` judged by `arbiter` in `token`.
    /// @dev Reverts unless neither party nor the arbiter is denied, the arbiter is in the set, is
    /// not a party and has at least the minimum stake, and the token is accepted. Reads the
    /// parameters and the three accounts with one storage read each.
    /// @return The parameters the escrow must snapshot.
    function escrowTerms(
        address payer,
        address payee,
        address arbiter,
        address token
    ) external view returns (Params memory) {
        _requireAllowed(payer);
        _requireAllowed(payee);
        requireActiveArbiter(arbiter);
        if (arbiter == payer || arbiter == payee) revert ArbiterIsParty(arbiter);
        if (token != address(0) && !_paymentTokens[token]) revert PaymentTokenNotAllowed(token);
        return _params;
    }

    /// @notice The protocol fee for a direct sale from `seller` to `buyer` in `token`.
    /// @dev Reverts if either party is denied or the token is not accepted.
    /// @return protocolFeeBps The protocol fee in basis points.
    function saleTerms(address buyer, address seller, address token) external view returns (uint16 protocolFeeBps) {
        _requireAllowed(buyer);
        _requireAllowed(seller);
        if (token != address(0) && !_paymentTokens[token]) revert PaymentTokenNotAllowed(token);
        return _params.protocolFeeBps;
    }

    /// @notice Reverts unless `arbiter` is in the arbiter set, is not denied, and keeps at least
    /// the minimum stake in the staking vault.
    function requireActiveArbiter(address arbiter) public view {
        AccountStatus memory status = _accounts[arbiter];
        if (!status.arbiter) revert NotArbiter(arbiter);
        if (status.deniedSince != 0) revert AccountIsDenied(arbiter);
        uint256 required = _params.minArbiterStake;
        if (required != 0) {
            uint256 stake = stakingVault.arbiterStake(arbiter);
            if (stake < required) revert InsufficientArbiterStake(arbiter, stake, required);
        }
    }

    // ---------------------------------------------------------------- DAO setters

    /// @notice Replaces every protocol parameter at once.
    /// @param params_ The new parameters; fees must be under their caps, windows in range.
    function setParams(Params calldata params_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setParams(params_);
    }

    /// @notice Sets only the protocol fee, in basis points (at most MAX_PROTOCOL_FEE_BPS).
    function setProtocolFee(uint16 feeBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Params memory next = _params;
        next.protocolFeeBps = feeBps;
        _setParams(next);
    }

    /// @notice Sets only the minimum arbiter stake, in StoaToken wei.
    function setMinArbiterStake(uint128 minStake) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Params memory next = _params;
        next.minArbiterStake = minStake;
        _setParams(next);
    }

    /// @notice Sets the receiver of protocol fees.
    function setTreasury(address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setTreasury(treasury_);
    }

    /// @notice Puts `account` on the deny list; the reason is documented at `reasonCid`.
    function deny(address account, string calldata reasonCid) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (account == address(0)) revert ZeroAddress();
        AccountStatus storage status = _accounts[account];
        if (status.deniedSince != 0) revert AccountIsDenied(account);
        uint64 since = uint64(block.timestamp);
        status.deniedSince = since;
        emit AccountDenied(account, reasonCid, since);
    }

    /// @notice Takes `account` off the deny list; the reason is documented at `reasonCid`.
    function allow(address account, string calldata reasonCid) external onlyRole(DEFAULT_ADMIN_ROLE) {
        AccountStatus storage status = _accounts[account];
        if (status.deniedSince == 0) revert AccountNotDenied(account);
        status.deniedSince = 0;
        emit AccountAllowed(account, reasonCid);
    }

    /// @notice Adds `arbiter` to the arbiter set; its public profile is at `profileCid`.
    function addArbiter(address arbiter, string calldata profileCid) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _addArbiter(arbiter, profileCid);
    }

    /// @notice Removes `arbiter` from the arbiter set. Its open disputes fall back to the even
    /// split after their ruling period, since a removed arbiter can no longer rule.
    function removeArbiter(address arbiter) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_arbiterSet.remove(arbiter)) revert NotArbiter(arbiter);
        _accounts[arbiter].arbiter = false;
        emit ArbiterRemoved(arbiter);
    }

    /// @notice Accepts (`allowed`) or refuses `token` as a payment token.
    function setPaymentToken(address token, bool allowed) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setPaymentToken(token, allowed);
    }

    // ---------------------------------------------------------------- internals

    function _requireAllowed(address account) private view {
        if (_accounts[account].deniedSince != 0) revert AccountIsDenied(account);
    }

    function _addArbiter(address arbiter, string memory profileCid) private {
        if (arbiter == address(0)) revert ZeroAddress();
        if (!_arbiterSet.add(arbiter)) revert AlreadyArbiter(arbiter);
        _accounts[arbiter].arbiter = true;
        emit ArbiterAdded(arbiter, profileCid);
    }

    function _setPaymentToken(address token, bool allowed) private {
        if (token == address(0)) revert ZeroAddress();
        _paymentTokens[token] = allowed;
        emit PaymentTokenSet(token, allowed);
    }

    function _setParams(Params memory next) private {
        if (next.protocolFeeBps > MAX_PROTOCOL_FEE_BPS) revert FeeAboveCap(next.protocolFeeBps, MAX_PROTOCOL_FEE_BPS);
        if (next.arbiterFeeBps > MAX_ARBITER_FEE_BPS) revert FeeAboveCap(next.arbiterFeeBps, MAX_ARBITER_FEE_BPS);
        _requireWindow(next.minDisputeWindow);
        _requireWindow(next.maxDeliveryPeriod);
        _requireWindow(next.rulingPeriod);
        if (next.maxDeliveryPeriod < next.minDisputeWindow) revert WindowOutOfRange(next.maxDeliveryPeriod);
        Params memory previous = _params;
        _params = next;
        emit ParamsUpdated(previous, next);
    }

    function _setTreasury(address next) private {
        if (next == address(0)) revert ZeroAddress();
        emit TreasuryUpdated(_treasury, next);
        _treasury = next;
    }

    function _requireWindow(uint32 window) private pure {
        if (window < MIN_WINDOW || window > MAX_WINDOW) revert WindowOutOfRange(window);
    }
}
