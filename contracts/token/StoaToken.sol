// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title StoaToken
/// @notice Stoa's governance and payment token: ERC-20 with EIP-2612 permits and ERC-20 votes
/// checkpointed by timestamp (ERC-6372 `mode=timestamp`), under a fixed supply cap.
/// @dev Only holders of MINTER_ROLE mint; after deployment that is the DAO timelock alone, which
/// also holds DEFAULT_ADMIN_ROLE. The initial supply is minted once, in the constructor.
contract StoaToken is ERC20Capped, ERC20Permit, ERC20Votes, AccessControl {
    /// @notice Role allowed to mint new tokens up to the cap.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @notice A cap above what ERC20Votes can checkpoint (2^208 - 1).
    error CapAboveVotesLimit(uint256 cap, uint256 limit);
    /// @notice The zero address was given as admin.
    error ZeroAddress();
    /// @notice The initial distribution has a different number of recipients and amounts.
    error InitialDistributionMismatch(uint256 recipients, uint256 amounts);

    /// @param admin Account that receives DEFAULT_ADMIN_ROLE and MINTER_ROLE (the DAO timelock).
    /// @param supplyCap Maximum total supply, in token wei.
    /// @param recipients Receivers of the initial supply.
    /// @param amounts Initial amount for each receiver, in token wei.
    constructor(
        address admin,
        uint256 supplyCap,
        address[] memory recipients,
        uint256[] memory amounts
    ) ERC20("Stoa", "STOA") ERC20Capped(supplyCap) ERC20Permit("Stoa") {
        if (admin == address(0)) revert ZeroAddress();
        if (supplyCap > type(uint208).max) revert CapAboveVotesLimit(supplyCap, type(uint208).max);
        if (recipients.length != amounts.length) {
            revert InitialDistributionMismatch(recipients.length, amounts.length);
        }
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, admin);
        for (uint256 i = 0; i < recipients.length; ++i) {
            _mint(recipients[i], amounts[i]);
        }
    }

    /// @notice Mints `amount` new tokens to `to`; reverts above the cap.
    /// @param to Receiver of the new tokens.
    /// @param amount Amount in token wei.
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    /// @notice The voting clock: the current block timestamp (ERC-6372).
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice Describes the voting clock (ERC-6372).
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Capped, ERC20Votes) {
        super._update(from, to, value);
    }
}
