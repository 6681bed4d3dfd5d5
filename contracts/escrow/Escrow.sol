// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StoaRegistry} from "../governance/StoaRegistry.sol";
import {EscrowMath, Outcome, Split} from "./EscrowMath.sol";
import {Payments} from "./Payments.sol";

/// @title Escrow
/// @notice The escrow and dispute logic shared by the marketplace and job escrow: terms taken from
/// the registry when a payment is escrowed, the split of each outcome, and the payout of a split.
/// @dev The state machines stay in the concrete contracts (an order, a milestone); this contract
/// owns the rules they have in common.
abstract contract Escrow is Payments {
    /// @notice Fees and windows an escrowed payment keeps for its whole life, whatever the DAO
    /// changes later.
    struct Terms {
        uint16 protocolFeeBps;
        uint16 arbiterFeeBps;
        uint32 rulingPeriod;
    }

    /// @notice `deadline` is outside [`earliest`, `latest`] (unix seconds).
    error DeadlineOutOfRange(uint256 deadline, uint256 earliest, uint256 latest);
    /// @notice `account` may not act here; `expected` may.
    error Unauthorized(address account, address expected);

    constructor(StoaRegistry registry_) Payments(registry_) {}

    /// @dev Checks the parties with the registry and `deadline` against its windows, and returns
    /// the terms to snapshot. Reverts with the registry's error on a denied party, an ineligible
    /// arbiter or a refused token.
    function _escrowTerms(
        address payer,
        address payee,
        address arbiter,
        address token,
        uint256 deadline
    ) internal view returns (Terms memory) {
        StoaRegistry.Params memory params = registry.escrowTerms(payer, payee, arbiter, token);
        _requireDeadline(deadline, params);
        return Terms(params.protocolFeeBps, params.arbiterFeeBps, params.rulingPeriod);
    }

    /// @dev Reverts unless `deadline` leaves at least the minimum dispute window and at most the
    /// maximum delivery period from now.
    function _requireDeadline(uint256 deadline, StoaRegistry.Params memory params) internal view {
        uint256 earliest = block.timestamp + params.minDisputeWindow;
        uint256 latest = block.timestamp + params.maxDeliveryPeriod;
        if (deadline < earliest || deadline > latest) revert DeadlineOutOfRange(deadline, earliest, latest);
    }

    /// @dev The split of `amount` for `outcome`; `payerBps` only matters for a ruling.
    function _split(
        Outcome outcome,
        uint256 amount,
        uint256 payerBps,
        Terms memory terms
    ) internal pure returns (Split memory) {
        if (outcome == Outcome.Refunded) return EscrowMath.refund(amount);
        if (outcome == Outcome.Ruled) {
            return EscrowMath.rule(amount, payerBps, terms.arbiterFeeBps, terms.protocolFeeBps);
        }
        if (outcome == Outcome.Unruled) return EscrowMath.unruled(amount, terms.protocolFeeBps);
        return EscrowMath.release(amount, terms.protocolFeeBps);
    }

    /// @dev Reverts unless msg.sender is `arbiter` and the registry still lets it rule.
    function _requireRuling(address arbiter) internal view {
        if (msg.sender != arbiter) revert Unauthorized(msg.sender, arbiter);
        registry.requireActiveArbiter(arbiter);
    }

    /// @dev Pays out a split. Every state change must already be done: this makes the calls.
    function _payOut(address token, address payer, address payee, address arbiter, Split memory split) internal {
        _accrueFee(token, split.protocolFee);
        _pay(payee, token, split.payee);
        _pay(payer, token, split.payer);
        _pay(arbiter, token, split.arbiterFee);
    }
}
