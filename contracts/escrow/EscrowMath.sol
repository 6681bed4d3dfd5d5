// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice How an escrowed payment ended.
/// @dev Released: the payer paid the payee. Claimed: the payee took the payment after the payer
/// stayed silent past the deadline. Refunded: the payee (or, for an unstarted job, the payer)
/// returned it. Ruled: the arbiter split it. Unruled: the arbiter did not rule in time and the
/// payment was split evenly without an arbiter fee.
enum Outcome {
    Released,
    Claimed,
    Refunded,
    Ruled,
    Unruled
}

/// @notice Who receives what from one settled payment, in the payment's token (wei).
/// @dev The four shares always add up to the settled amount: nothing is created or lost.
struct Split {
    uint256 payer;
    uint256 payee;
    uint256 arbiterFee;
    uint256 protocolFee;
}

/// @title EscrowMath
/// @notice The fee and split arithmetic shared by Stoa's escrows and sales, in basis points.
/// @dev Every fee rounds down; the remainder goes to the payee (or payer), so the parts of a split
/// always add up to the whole.
library EscrowMath {
    /// @notice Basis points in one whole.
    uint256 internal constant BPS = 10_000;
    /// @notice The payer's share of an unruled dispute: half.
    uint16 internal constant EVEN_SPLIT_BPS = 5_000;

    /// @notice A split in basis points above 10,000.
    error BpsAboveWhole(uint256 bps);
    /// @notice A royalty and protocol fee that together exceed the sale price.
    error RoyaltyAbovePrice(uint256 royalty, uint256 protocolFee, uint256 price);

    /// @notice `amount` paid to the payee, minus the protocol fee.
    function release(uint256 amount, uint256 protocolFeeBps) internal pure returns (Split memory split) {
        split.protocolFee = fee(amount, protocolFeeBps);
        split.payee = amount - split.protocolFee;
    }

    /// @notice `amount` returned to the payer, without any fee.
    function refund(uint256 amount) internal pure returns (Split memory split) {
        split.payer = amount;
    }

    /// @notice A ruling: the arbiter takes its fee, the payer `payerBps` of the rest, the payee
    /// the remainder minus the protocol fee on it.
    function rule(
        uint256 amount,
        uint256 payerBps,
        uint256 arbiterFeeBps,
        uint256 protocolFeeBps
    ) internal pure returns (Split memory split) {
        if (payerBps > BPS) revert BpsAboveWhole(payerBps);
        split.arbiterFee = fee(amount, arbiterFeeBps);
        uint256 rest = amount - split.arbiterFee;
        split.payer = (rest * payerBps) / BPS;
        uint256 payeeGross = rest - split.payer;
        split.protocolFee = fee(payeeGross, protocolFeeBps);
        split.payee = payeeGross - split.protocolFee;
    }

    /// @notice The fallback when an arbiter does not rule in time: an even split, no arbiter fee.
    function unruled(uint256 amount, uint256 protocolFeeBps) internal pure returns (Split memory) {
        return rule(amount, EVEN_SPLIT_BPS, 0, protocolFeeBps);
    }

    /// @notice A direct sale at `price`: `royalty` to the creator, the protocol fee on the price,
    /// the remainder to the seller. Reverts if royalty and fee together exceed the price.
    function sale(
        uint256 price,
        uint256 royalty,
        uint256 protocolFeeBps
    ) internal pure returns (uint256 sellerAmount, uint256 protocolFee) {
        protocolFee = fee(price, protocolFeeBps);
        if (royalty > price - protocolFee) revert RoyaltyAbovePrice(royalty, protocolFee, price);
        sellerAmount = price - protocolFee - royalty;
    }

    /// @notice `amount * bps / 10,000`, rounded down.
    function fee(uint256 amount, uint256 bps) internal pure returns (uint256) {
        if (bps > BPS) revert BpsAboveWhole(bps);
        return (amount * bps) / BPS;
    }
}
