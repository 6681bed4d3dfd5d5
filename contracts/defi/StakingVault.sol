// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IArbiterStake} from "./IArbiterStake.sol";

/// @title StakingVault
/// @notice ERC-4626 vault over StoaToken. Arbiters stake here to qualify for cases; the DAO can
/// slash a misbehaving arbiter's stake, and rewards sent to the vault raise the share price.
/// @dev Shares do not move between accounts (an arbiter cannot park its stake elsewhere before a
/// slash), and withdrawals wait an unbonding period after a request, during which the account
/// takes no new cases. `totalAssets` is the vault's token balance, so a plain transfer to the
/// vault is a reward to every staker; OpenZeppelin's virtual shares (decimals offset) make the
/// first-depositor inflation attack unprofitable.
/// The stake that qualifies an arbiter is its principal: assets deposited minus assets withdrawn
/// and slashed, floored at zero. Share prices only rise (rewards), so the principal never exceeds
/// what the shares are worth (up to rounding), and it sits in one slot with the unbonding request,
/// so the registry's check costs one storage read.
contract StakingVault is ERC4626, AccessControl, IArbiterStake {
    using SafeERC20 for IERC20;

    /// @notice Role allowed to slash stakes (the DAO timelock).
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");
    /// @notice Longest unbonding period the DAO may set.
    uint32 public constant MAX_UNBONDING_PERIOD = 90 days;

    /// @notice An account's stake bookkeeping.
    /// @param principal Assets deposited minus assets withdrawn and slashed, floored at zero.
    /// @param unbondingRequestedAt When the account asked to withdraw (unix seconds), or 0.
    struct Stake {
        uint128 principal;
        uint64 unbondingRequestedAt;
    }

    /// @notice Seconds between a withdrawal request and the first possible withdrawal.
    uint32 public unbondingPeriod;
    mapping(address account => Stake) private _stakes;

    /// @notice `account` asked to withdraw; it may do so from `withdrawableAt`.
    event UnbondingRequested(address indexed account, uint64 withdrawableAt);
    /// @notice `account` withdrew its request and stakes again.
    event UnbondingCancelled(address indexed account);
    /// @notice `assets` (`shares`) of `account` were slashed to `recipient`; see `reasonCid`.
    event Slashed(address indexed account, uint256 assets, uint256 shares, address indexed recipient, string reasonCid);
    /// @notice `from` added `assets` of rewards, raising the share price.
    event RewardsAdded(address indexed from, uint256 assets);
    /// @notice The unbonding period changed.
    event UnbondingPeriodUpdated(uint32 previous, uint32 current);

    /// @notice Vault shares cannot be transferred between accounts.
    error SharesNotTransferable();
    /// @notice `account` has no pending withdrawal request.
    error NoUnbondingRequest(address account);
    /// @notice `account` already has a pending withdrawal request.
    error UnbondingAlreadyRequested(address account);
    /// @notice A slash of `assets` exceeds the `stake` of `account`.
    error SlashExceedsStake(address account, uint256 assets, uint256 stake);
    /// @notice The unbonding period is above MAX_UNBONDING_PERIOD.
    error UnbondingPeriodTooLong(uint256 period);
    /// @notice An amount of zero was given.
    error ZeroAmount();
    /// @notice The zero address was given where an account is required.
    error ZeroAddress();

    /// @param asset_ The staked token (StoaToken).
    /// @param admin The DAO timelock: receives DEFAULT_ADMIN_ROLE and SLASHER_ROLE.
    /// @param unbondingPeriod_ Initial unbonding period in seconds.
    constructor(IERC20 asset_, address admin, uint32 unbondingPeriod_) ERC20("Staked Stoa", "sSTOA") ERC4626(asset_) {
        if (admin == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(SLASHER_ROLE, admin);
        _setUnbondingPeriod(unbondingPeriod_);
    }

    /// @inheritdoc IArbiterStake
    function arbiterStake(address account) external view returns (uint256) {
        Stake memory stake = _stakes[account];
        if (stake.unbondingRequestedAt != 0) return 0;
        return stake.principal;
    }

    /// @notice `account`'s stake bookkeeping: principal and pending withdrawal request.
    function stakeOf(address account) external view returns (Stake memory) {
        return _stakes[account];
    }

    /// @notice Asks to withdraw: from now on the account takes no new cases (nor rules open ones),
    /// and after the unbonding period it may withdraw or redeem.
    function requestUnbonding() external {
        Stake storage stake = _stakes[msg.sender];
        if (stake.unbondingRequestedAt != 0) revert UnbondingAlreadyRequested(msg.sender);
        uint64 now_ = uint64(block.timestamp);
        stake.unbondingRequestedAt = now_;
        emit UnbondingRequested(msg.sender, now_ + unbondingPeriod);
    }

    /// @notice Cancels a pending withdrawal request; the stake qualifies again at once.
    function cancelUnbonding() external {
        Stake storage stake = _stakes[msg.sender];
        if (stake.unbondingRequestedAt == 0) revert NoUnbondingRequest(msg.sender);
        stake.unbondingRequestedAt = 0;
        emit UnbondingCancelled(msg.sender);
    }

    /// @notice Adds `assets` of StoaToken as rewards, raising the value of every share.
    /// @dev Equivalent to a plain transfer to the vault, with an event for indexers.
    function addRewards(uint256 assets) external {
        if (assets == 0) revert ZeroAmount();
        IERC20(asset()).safeTransferFrom(msg.sender, address(this), assets);
        emit RewardsAdded(msg.sender, assets);
    }

    /// @notice Slashes `assets` of the stake of `account` to `recipient` (usually the treasury),
    /// whether or not a withdrawal is pending.
    /// @param reasonCid IPFS CID of the document that explains the slash.
    function slash(
        address account,
        uint256 assets,
        address recipient,
        string calldata reasonCid
    ) external onlyRole(SLASHER_ROLE) {
        if (assets == 0) revert ZeroAmount();
        if (recipient == address(0)) revert ZeroAddress();
        uint256 stake = convertToAssets(balanceOf(account));
        if (assets > stake) revert SlashExceedsStake(account, assets, stake);
        // assets <= the shares' value (rounded down), so the shares for it (rounded up) fit the balance.
        uint256 shares = previewWithdraw(assets);
        _reducePrincipal(account, assets);
        _burn(account, shares);
        IERC20(asset()).safeTransfer(recipient, assets);
        emit Slashed(account, assets, shares, recipient, reasonCid);
    }

    /// @notice Sets the unbonding period (seconds, at most MAX_UNBONDING_PERIOD). It applies to
    /// pending requests too: their `withdrawableAt` moves with it.
    function setUnbondingPeriod(uint32 period) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setUnbondingPeriod(period);
    }

    /// @notice Assets `owner` may withdraw now: all of them once unbonded, otherwise none.
    function maxWithdraw(address owner) public view override returns (uint256) {
        if (!_isUnbonded(owner)) return 0;
        return super.maxWithdraw(owner);
    }

    /// @notice Shares `owner` may redeem now: all of them once unbonded, otherwise none.
    function maxRedeem(address owner) public view override returns (uint256) {
        if (!_isUnbonded(owner)) return 0;
        return super.maxRedeem(owner);
    }

    /// @inheritdoc AccessControl
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return super.supportsInterface(interfaceId);
    }

    function _isUnbonded(address owner) private view returns (bool) {
        uint64 requestedAt = _stakes[owner].unbondingRequestedAt;
        return requestedAt != 0 && block.timestamp >= requestedAt + unbondingPeriod;
    }

    function _deposit(address caller, address receiver, uint256 assets, uint256 shares) internal override {
        _stakes[receiver].principal += SafeCast.toUint128(assets);
        super._deposit(caller, receiver, assets, shares);
    }

    function _withdraw(
        address caller,
        address receiver,
        address owner,
        uint256 assets,
        uint256 shares
    ) internal override {
        _reducePrincipal(owner, assets);
        super._withdraw(caller, receiver, owner, assets, shares);
    }

    function _reducePrincipal(address account, uint256 assets) private {
        Stake storage stake = _stakes[account];
        if (assets >= stake.principal) stake.principal = 0;
        else stake.principal -= uint128(assets);
    }

    function _setUnbondingPeriod(uint32 period) private {
        if (period > MAX_UNBONDING_PERIOD) revert UnbondingPeriodTooLong(period);
        emit UnbondingPeriodUpdated(unbondingPeriod, period);
        unbondingPeriod = period;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) revert SharesNotTransferable();
        super._update(from, to, value);
    }

    function _decimalsOffset() internal pure override returns (uint8) {
        return 3;
    }
}
