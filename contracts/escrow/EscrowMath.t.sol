// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Foundry naming: test_*, testFuzz_*, invariant_*.
// solhint-disable func-name-mixedcase

import {Test} from "forge-std/Test.sol";
import {stdError} from "forge-std/StdError.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {EscrowMath, Split} from "./EscrowMath.sol";

/// @notice Exposes the internal functions of EscrowMath as external calls, so that reverts can be
/// expected and results compared.
contract EscrowMathHarness {
    function release(uint256 amount, uint256 protocolFeeBps) external pure returns (Split memory) {
        return EscrowMath.release(amount, protocolFeeBps);
    }

    function refund(uint256 amount) external pure returns (Split memory) {
        return EscrowMath.refund(amount);
    }

    function rule(
        uint256 amount,
        uint256 payerBps,
        uint256 arbiterFeeBps,
        uint256 protocolFeeBps
    ) external pure returns (Split memory) {
        return EscrowMath.rule(amount, payerBps, arbiterFeeBps, protocolFeeBps);
    }

    function unruled(uint256 amount, uint256 protocolFeeBps) external pure returns (Split memory) {
        return EscrowMath.unruled(amount, protocolFeeBps);
    }

    function sale(
        uint256 price,
        uint256 royalty,
        uint256 protocolFeeBps
    ) external pure returns (uint256 sellerAmount, uint256 protocolFee) {
        return EscrowMath.sale(price, royalty, protocolFeeBps);
    }

    function fee(uint256 amount, uint256 bps) external pure returns (uint256) {
        return EscrowMath.fee(amount, bps);
    }
}

/// @notice Fuzz tests of the fee and split arithmetic: every split adds up to its amount exactly
/// (no wei created or lost), every fee is amount * bps / 10,000 rounded down, rulings are
/// monotonic in the payer's share, and sales revert exactly when royalty and fee exceed the price.
/// @dev Amounts run over the whole range in which `amount * bps` cannot overflow (up to
/// uint256.max / 10,000); basis points over [0, 10,000], which covers the registry caps (10% and
/// 15%) and beyond. The reference values use OpenZeppelin's Math.mulDiv (512-bit intermediate).
contract EscrowMathTest is Test {
    uint256 private constant BPS = 10_000;
    /// @dev Largest amount for which `amount * 10,000` fits in a uint256.
    uint256 private constant MAX_AMOUNT = type(uint256).max / BPS;
    /// @dev The registry's caps (StoaRegistry.MAX_PROTOCOL_FEE_BPS, MAX_ARBITER_FEE_BPS).
    uint256 private constant PROTOCOL_FEE_CAP = 1_000;
    uint256 private constant ARBITER_FEE_CAP = 1_500;

    EscrowMathHarness private math;

    function setUp() public {
        math = new EscrowMathHarness();
    }

    function _sum(Split memory split) private pure returns (uint256) {
        return split.payer + split.payee + split.arbiterFee + split.protocolFee;
    }

    // ---------------------------------------------------------------- fee

    function testFuzz_fee_isAmountTimesBpsRoundedDown(uint256 amount, uint256 bps) public view {
        amount = bound(amount, 0, MAX_AMOUNT);
        bps = bound(bps, 0, BPS);
        uint256 fee = math.fee(amount, bps);
        assertEq(fee, Math.mulDiv(amount, bps, BPS), "floor(amount * bps / 10000)");
        // Rounded down: fee * 10000 <= amount * bps < (fee + 1) * 10000.
        assertLe(fee * BPS, amount * bps, "not rounded up");
        assertGt((fee + 1) * BPS, amount * bps, "not rounded down by more than one wei");
        assertLe(fee, amount, "a fee never exceeds the amount");
    }

    function testFuzz_fee_isMonotonicInAmountAndBps(uint256 a1, uint256 a2, uint256 b1, uint256 b2) public view {
        a1 = bound(a1, 0, MAX_AMOUNT);
        a2 = bound(a2, a1, MAX_AMOUNT);
        b1 = bound(b1, 0, BPS);
        b2 = bound(b2, b1, BPS);
        assertLe(math.fee(a1, b1), math.fee(a2, b1), "more amount, no less fee");
        assertLe(math.fee(a1, b1), math.fee(a1, b2), "more bps, no less fee");
    }

    function testFuzz_fee_boundsAtZeroAndWhole(uint256 amount) public view {
        amount = bound(amount, 0, MAX_AMOUNT);
        assertEq(math.fee(amount, 0), 0);
        assertEq(math.fee(amount, BPS), amount);
        assertEq(math.fee(0, BPS), 0);
    }

    function testFuzz_fee_revertsAboveWhole(uint256 amount, uint256 bps) public {
        bps = bound(bps, BPS + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(EscrowMath.BpsAboveWhole.selector, bps));
        math.fee(amount, bps);
    }

    /// @dev Above uint256.max / bps the product overflows: checked arithmetic reverts with a
    /// panic instead of wrapping around to a wrong fee.
    function testFuzz_fee_panicsInsteadOfWrappingOnOverflow(uint256 amount, uint256 bps) public {
        bps = bound(bps, 2, BPS);
        amount = bound(amount, type(uint256).max / bps + 1, type(uint256).max);
        vm.expectRevert(stdError.arithmeticError);
        math.fee(amount, bps);
    }

    // ---------------------------------------------------------------- release

    function testFuzz_release_paysPayeeTheAmountMinusTheFee(uint256 amount, uint256 bps) public view {
        amount = bound(amount, 0, MAX_AMOUNT);
        bps = bound(bps, 0, BPS);
        Split memory split = math.release(amount, bps);
        assertEq(_sum(split), amount, "no wei created or lost");
        assertEq(split.protocolFee, Math.mulDiv(amount, bps, BPS), "protocol fee");
        assertEq(split.payee, amount - split.protocolFee, "payee");
        assertEq(split.payer, 0, "payer");
        assertEq(split.arbiterFee, 0, "arbiter");
    }

    function testFuzz_release_leavesThePayeeAtLeastNinetyPercentUnderTheCap(uint256 amount, uint256 bps) public view {
        amount = bound(amount, 0, MAX_AMOUNT);
        bps = bound(bps, 0, PROTOCOL_FEE_CAP);
        Split memory split = math.release(amount, bps);
        assertGe(split.payee * 10, amount * 9, "the capped fee takes at most 10%");
    }

    function testFuzz_release_revertsAboveWhole(uint256 amount, uint256 bps) public {
        bps = bound(bps, BPS + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(EscrowMath.BpsAboveWhole.selector, bps));
        math.release(amount, bps);
    }

    // ---------------------------------------------------------------- refund

    function testFuzz_refund_returnsEverythingToThePayer(uint256 amount) public view {
        Split memory split = math.refund(amount);
        assertEq(split.payer, amount);
        assertEq(split.payee, 0);
        assertEq(split.arbiterFee, 0);
        assertEq(split.protocolFee, 0);
    }

    // ---------------------------------------------------------------- rule

    function testFuzz_rule_addsUpAndRoundsEveryFeeDown(
        uint256 amount,
        uint256 payerBps,
        uint256 arbiterFeeBps,
        uint256 protocolFeeBps
    ) public view {
        amount = bound(amount, 0, MAX_AMOUNT);
        payerBps = bound(payerBps, 0, BPS);
        arbiterFeeBps = bound(arbiterFeeBps, 0, BPS);
        protocolFeeBps = bound(protocolFeeBps, 0, BPS);
        Split memory split = math.rule(amount, payerBps, arbiterFeeBps, protocolFeeBps);

        assertEq(_sum(split), amount, "no wei created or lost");
        uint256 arbiterFee = Math.mulDiv(amount, arbiterFeeBps, BPS);
        uint256 rest = amount - arbiterFee;
        uint256 payer = Math.mulDiv(rest, payerBps, BPS);
        uint256 protocolFee = Math.mulDiv(rest - payer, protocolFeeBps, BPS);
        assertEq(split.arbiterFee, arbiterFee, "arbiter fee on the whole amount");
        assertEq(split.payer, payer, "payer share of the rest");
        assertEq(split.protocolFee, protocolFee, "protocol fee on the payee's gross share only");
        assertEq(split.payee, rest - payer - protocolFee, "payee gets the remainder");
    }

    function testFuzz_rule_isMonotonicInPayerBps(
        uint256 amount,
        uint256 bps1,
        uint256 bps2,
        uint256 arbiterFeeBps,
        uint256 protocolFeeBps
    ) public view {
        amount = bound(amount, 0, MAX_AMOUNT);
        bps1 = bound(bps1, 0, BPS);
        bps2 = bound(bps2, bps1, BPS);
        arbiterFeeBps = bound(arbiterFeeBps, 0, BPS);
        protocolFeeBps = bound(protocolFeeBps, 0, BPS);
        Split memory less = math.rule(amount, bps1, arbiterFeeBps, protocolFeeBps);
        Split memory more = math.rule(amount, bps2, arbiterFeeBps, protocolFeeBps);
        assertLe(less.payer, more.payer, "more payerBps never gives the payer less");
        assertGe(less.payee, more.payee, "more payerBps never gives the payee more");
        assertGe(less.protocolFee, more.protocolFee, "the protocol fee follows the payee's share");
        assertEq(less.arbiterFee, more.arbiterFee, "the arbiter fee does not depend on the ruling");
    }

    function testFuzz_rule_wholeToOneSide(uint256 amount, uint256 arbiterFeeBps, uint256 protocolFeeBps) public view {
        amount = bound(amount, 0, MAX_AMOUNT);
        arbiterFeeBps = bound(arbiterFeeBps, 0, BPS);
        protocolFeeBps = bound(protocolFeeBps, 0, BPS);
        Split memory toPayer = math.rule(amount, BPS, arbiterFeeBps, protocolFeeBps);
        assertEq(toPayer.payer, amount - toPayer.arbiterFee, "payer gets all but the arbiter fee");
        assertEq(toPayer.payee, 0);
        assertEq(toPayer.protocolFee, 0, "no protocol fee when the payee gets nothing");

        Split memory toPayee = math.rule(amount, 0, arbiterFeeBps, protocolFeeBps);
        assertEq(toPayee.payer, 0);
        assertEq(toPayee.payee + toPayee.protocolFee, amount - toPayee.arbiterFee);
    }

    function testFuzz_rule_underTheCapsLeavesMostToTheParties(
        uint256 amount,
        uint256 payerBps,
        uint256 arbiterFeeBps,
        uint256 protocolFeeBps
    ) public view {
        amount = bound(amount, 0, MAX_AMOUNT);
        payerBps = bound(payerBps, 0, BPS);
        arbiterFeeBps = bound(arbiterFeeBps, 0, ARBITER_FEE_CAP);
        protocolFeeBps = bound(protocolFeeBps, 0, PROTOCOL_FEE_CAP);
        Split memory split = math.rule(amount, payerBps, arbiterFeeBps, protocolFeeBps);
        assertLe(split.arbiterFee * BPS, amount * ARBITER_FEE_CAP, "arbiter fee at most 15%");
        assertLe(split.protocolFee * BPS, (amount - split.arbiterFee) * PROTOCOL_FEE_CAP, "protocol fee at most 10%");
        // Together the fees take at most 15% + 10% of the remaining 85%: 23.5%.
        assertGe((split.payer + split.payee) * 1_000, amount * 765, "parties keep at least 76.5%");
    }

    function testFuzz_rule_revertsOnPayerBpsAboveWhole(uint256 amount, uint256 payerBps, uint256 arbiterFeeBps) public {
        payerBps = bound(payerBps, BPS + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(EscrowMath.BpsAboveWhole.selector, payerBps));
        math.rule(amount, payerBps, arbiterFeeBps, 0);
    }

    function testFuzz_rule_revertsOnFeeBpsAboveWhole(uint256 amount, uint256 payerBps, uint256 feeBps) public {
        amount = bound(amount, 0, MAX_AMOUNT);
        payerBps = bound(payerBps, 0, BPS);
        feeBps = bound(feeBps, BPS + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(EscrowMath.BpsAboveWhole.selector, feeBps));
        math.rule(amount, payerBps, feeBps, 0);
        // The protocol fee bps are checked whatever the payee's share, even none.
        vm.expectRevert(abi.encodeWithSelector(EscrowMath.BpsAboveWhole.selector, feeBps));
        math.rule(amount, payerBps, 0, feeBps);
    }

    // ---------------------------------------------------------------- unruled

    function testFuzz_unruled_isAnEvenRulingWithoutArbiterFee(uint256 amount, uint256 protocolFeeBps) public view {
        amount = bound(amount, 0, MAX_AMOUNT);
        protocolFeeBps = bound(protocolFeeBps, 0, BPS);
        Split memory split = math.unruled(amount, protocolFeeBps);
        Split memory ruled = math.rule(amount, 5_000, 0, protocolFeeBps);
        assertEq(abi.encode(split), abi.encode(ruled), "rule(amount, 50%, no arbiter fee)");
        assertEq(_sum(split), amount, "no wei created or lost");
        assertEq(split.arbiterFee, 0, "no arbiter fee");
        assertEq(split.payer, amount / 2, "payer gets half, rounded down");
        assertEq(split.payee + split.protocolFee, amount - amount / 2, "payee side gets the odd wei");
        assertEq(split.protocolFee, Math.mulDiv(amount - amount / 2, protocolFeeBps, BPS), "fee on the payee half");
    }

    function testFuzz_unruled_revertsAboveWhole(uint256 amount, uint256 protocolFeeBps) public {
        amount = bound(amount, 0, MAX_AMOUNT);
        protocolFeeBps = bound(protocolFeeBps, BPS + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(EscrowMath.BpsAboveWhole.selector, protocolFeeBps));
        math.unruled(amount, protocolFeeBps);
    }

    // ---------------------------------------------------------------- sale

    function testFuzz_sale_addsUpToThePrice(uint256 price, uint256 royalty, uint256 protocolFeeBps) public view {
        price = bound(price, 0, MAX_AMOUNT);
        protocolFeeBps = bound(protocolFeeBps, 0, BPS);
        uint256 expectedFee = Math.mulDiv(price, protocolFeeBps, BPS);
        royalty = bound(royalty, 0, price - expectedFee);
        (uint256 sellerAmount, uint256 protocolFee) = math.sale(price, royalty, protocolFeeBps);
        assertEq(protocolFee, expectedFee, "fee on the whole price");
        assertEq(sellerAmount + royalty + protocolFee, price, "no wei created or lost");
    }

    /// @dev The sale reverts exactly when the royalty exceeds the price minus the fee; any
    /// royalty up to uint256.max is tried, and with `nearLimit` one within a wei of the limit.
    function testFuzz_sale_revertsExactlyWhenRoyaltyExceedsPriceMinusFee(
        uint256 price,
        uint256 royalty,
        uint256 protocolFeeBps,
        bool nearLimit
    ) public {
        price = bound(price, 0, MAX_AMOUNT);
        protocolFeeBps = bound(protocolFeeBps, 0, BPS);
        uint256 expectedFee = Math.mulDiv(price, protocolFeeBps, BPS);
        uint256 limit = price - expectedFee;
        if (nearLimit) royalty = bound(royalty, limit == 0 ? 0 : limit - 1, limit + 1);
        if (royalty > limit) {
            vm.expectRevert(abi.encodeWithSelector(EscrowMath.RoyaltyAbovePrice.selector, royalty, expectedFee, price));
            math.sale(price, royalty, protocolFeeBps);
        } else {
            (uint256 sellerAmount, uint256 protocolFee) = math.sale(price, royalty, protocolFeeBps);
            assertEq(protocolFee, expectedFee, "fee on the whole price");
            assertEq(sellerAmount + royalty + protocolFee, price, "no wei created or lost");
        }
    }

    function testFuzz_sale_revertsJustAboveTheLimit(uint256 price, uint256 protocolFeeBps) public {
        price = bound(price, 0, MAX_AMOUNT);
        protocolFeeBps = bound(protocolFeeBps, 0, BPS);
        uint256 expectedFee = Math.mulDiv(price, protocolFeeBps, BPS);
        uint256 limit = price - expectedFee;
        (uint256 sellerAmount, ) = math.sale(price, limit, protocolFeeBps);
        assertEq(sellerAmount, 0, "a royalty of exactly price - fee leaves the seller nothing");
        vm.expectRevert(abi.encodeWithSelector(EscrowMath.RoyaltyAbovePrice.selector, limit + 1, expectedFee, price));
        math.sale(price, limit + 1, protocolFeeBps);
    }

    function testFuzz_sale_revertsAboveWhole(uint256 price, uint256 royalty, uint256 protocolFeeBps) public {
        protocolFeeBps = bound(protocolFeeBps, BPS + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(EscrowMath.BpsAboveWhole.selector, protocolFeeBps));
        math.sale(price, royalty, protocolFeeBps);
    }
}
