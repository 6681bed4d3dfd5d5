// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Foundry naming: test_*, testFuzz_*, invariant_*.
// solhint-disable func-name-mixedcase

import {Test} from "forge-std/Test.sol";
import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Marketplace} from "./Marketplace.sol";
import {Escrow} from "../escrow/Escrow.sol";
import {EscrowMath, Split} from "../escrow/EscrowMath.sol";
import {StakingVault} from "../defi/StakingVault.sol";
import {StoaRegistry} from "../governance/StoaRegistry.sol";
import {StoaToken} from "../token/StoaToken.sol";
import {DevStablecoin} from "../dev/DevStablecoin.sol";
import {RejectingReceiver} from "../test/Attackers.sol";
import {HookToken} from "../test/MockTokens.sol";

/// @notice Drives the real Marketplace with random, bounded calls from a few buyers, sellers and
/// arbiters, and keeps the ghost state the invariants check: open and settled orders with their
/// `Order` structs, the unsettled amount per token, and what each settled order paid out.
/// @dev One actor is a contract that rejects ETH and is blocked by the hook token, so that some
/// pushes become credits. Every settlement is measured from the outside (balances plus credits of
/// buyer, seller and arbiter, plus accrued fees) and compared with EscrowMath's split for the
/// order's snapshotted terms.
// solhint-disable-next-line max-states-count
contract MarketplaceHandler is CommonBase, StdCheats, StdUtils {
    enum Action {
        Release,
        Refund,
        Rule,
        Claim,
        ResolveUnruled,
        Dispute
    }

    Marketplace public immutable market;
    StoaRegistry public immutable registry;
    StakingVault public immutable vault;
    DevStablecoin public immutable dusd;
    HookToken public immutable hook;
    address public immutable admin;
    address public immutable sink;

    address[] public actors;
    address[] public arbiters;
    address[] public tokens;

    /// @dev Ghost state.
    uint256[] public openIds;
    uint256[] public settledIds;
    mapping(uint256 orderId => Marketplace.Order) internal _orderOf;
    mapping(address token => uint256) public unsettled;
    mapping(uint256 orderId => uint256) public paidOut;
    mapping(uint256 orderId => uint256) public settleCount;
    /// @dev Calls that succeeded although they should not have, or paid a wrong split.
    uint256 public doubleSettlements;
    uint256 public splitMismatches;
    uint256 public commitmentMismatches;
    uint256 public wrongResettleErrors;
    uint256 public strangerSettlements;
    uint256 public wrongStrangerErrors;
    uint256 public forgedSettlements;
    uint256 public wrongForgeryErrors;
    /// @dev How often each kind of call succeeded, to check that the campaign reaches every path.
    mapping(bytes32 name => uint256) public successes;

    constructor(
        Marketplace market_,
        StakingVault vault_,
        DevStablecoin dusd_,
        HookToken hook_,
        address admin_,
        address[] memory actors_,
        address[] memory arbiters_
    ) {
        market = market_;
        registry = market_.registry();
        vault = vault_;
        dusd = dusd_;
        hook = hook_;
        admin = admin_;
        actors = actors_;
        arbiters = arbiters_;
        tokens.push(address(0));
        tokens.push(address(dusd_));
        tokens.push(address(hook_));
        sink = makeAddr("sink");
    }

    // ---------------------------------------------------------------- views for the invariants

    function openCount() external view returns (uint256) {
        return openIds.length;
    }

    function settledCount() external view returns (uint256) {
        return settledIds.length;
    }

    function orderOf(uint256 orderId) external view returns (Marketplace.Order memory) {
        return _orderOf[orderId];
    }

    /// @notice Every account that can hold a credit: actors, arbiters, the treasury and the sink.
    function creditHolders() external view returns (address[] memory holders) {
        holders = new address[](actors.length + arbiters.length + 2);
        uint256 n;
        for (uint256 i = 0; i < actors.length; ++i) holders[n++] = actors[i];
        for (uint256 i = 0; i < arbiters.length; ++i) holders[n++] = arbiters[i];
        holders[n++] = registry.treasury();
        holders[n] = sink;
    }

    function tokenList() external view returns (address[] memory) {
        return tokens;
    }

    // ---------------------------------------------------------------- actions

    function createOrder(
        uint256 buyerSeed,
        uint256 sellerSeed,
        uint256 arbiterSeed,
        uint256 tokenSeed,
        uint256 amount,
        uint256 deliveryOffset
    ) external {
        address buyer = actors[buyerSeed % actors.length];
        address seller = actors[sellerSeed % actors.length];
        if (seller == buyer) seller = actors[(sellerSeed + 1) % actors.length];
        address token = tokens[tokenSeed % tokens.length];
        amount = _bound(amount, 1, token == address(dusd) ? dusd.FAUCET_LIMIT() : 1e24);
        StoaRegistry.Params memory params = registry.params();
        uint64 deadline = uint64(
            block.timestamp + _bound(deliveryOffset, params.minDisputeWindow, params.maxDeliveryPeriod)
        );
        Marketplace.OrderRequest memory request = Marketplace.OrderRequest({
            seller: seller,
            arbiter: arbiters[arbiterSeed % arbiters.length],
            token: token,
            amount: amount,
            listingHash: keccak256(abi.encode(buyerSeed, amount)),
            deliveryDeadline: deadline
        });
        _fund(buyer, token, amount);

        vm.prank(buyer);
        try market.createOrder{value: token == address(0) ? amount : 0}(request) returns (uint256 orderId) {
            Marketplace.Order memory order = Marketplace.Order({
                buyer: buyer,
                seller: seller,
                arbiter: request.arbiter,
                token: token,
                amount: amount,
                listingHash: request.listingHash,
                deliveryDeadline: deadline,
                protocolFeeBps: params.protocolFeeBps,
                arbiterFeeBps: params.arbiterFeeBps,
                rulingPeriod: params.rulingPeriod
            });
            // The ghost order (built from the request and the registry's terms) is what the
            // contract committed to.
            if (!market.matchesOrder(orderId, order)) ++commitmentMismatches;
            _orderOf[orderId] = order;
            openIds.push(orderId);
            unsettled[token] += amount;
            ++successes["createOrder"];
        } catch {}
    }

    /// @param inDispute Whether to end a dispute (any open order) or release a funded order.
    function release(uint256 seed, bool inDispute) external {
        _settleOpen(seed, Action.Release, 0, inDispute);
    }

    /// @param inDispute Whether to end a dispute (any open order) or refund a funded order.
    function refund(uint256 seed, bool inDispute) external {
        _settleOpen(seed, Action.Refund, 0, inDispute);
    }

    function rule(uint256 seed, uint256 buyerBps) external {
        // Mostly valid rulings, a few above 100% (BpsAboveWhole).
        _settleOpen(seed, Action.Rule, _bound(buyerBps, 0, 10_200), false);
    }

    /// @param skipAhead Whether to first warp to the delivery deadline of a funded order.
    function claim(uint256 seed, bool skipAhead) external {
        if (skipAhead) _skipAhead(seed, Action.Claim);
        _settleOpen(seed, Action.Claim, 0, false);
    }

    /// @param skipAhead Whether to first warp to the end of a disputed order's ruling period.
    function resolveUnruled(uint256 seed, bool bySeller, bool skipAhead) external {
        if (skipAhead) _skipAhead(seed, Action.ResolveUnruled);
        _settleOpen(seed, Action.ResolveUnruled, 0, bySeller);
    }

    function dispute(uint256 seed, bool bySeller) external {
        if (openIds.length == 0) return;
        uint256 orderId = openIds[_pick(seed, Action.Dispute)];
        Marketplace.Order memory order = _orderOf[orderId];
        vm.prank(bySeller ? order.seller : order.buyer);
        try market.dispute(orderId, order) {
            ++successes["dispute"];
        } catch {}
    }

    /// @notice Tries to settle (or dispute) an order that is already settled, with the right
    /// caller: it must always revert with OrderMismatch.
    function resettle(uint256 seed, uint8 actionSeed, uint256 buyerBps) external {
        if (settledIds.length == 0) return;
        uint256 orderId = settledIds[seed % settledIds.length];
        Marketplace.Order memory order = _orderOf[orderId];
        Action action = Action(actionSeed % 6);
        (bool ok, bytes memory err) = _call(
            orderId,
            order,
            action,
            _bound(buyerBps, 0, 10_000),
            seed % 2 == 0,
            address(0)
        );
        if (ok) {
            ++doubleSettlements;
        } else if (bytes4(err) != Marketplace.OrderMismatch.selector) {
            ++wrongResettleErrors;
        } else {
            ++successes["resettleReverted"];
        }
    }

    /// @notice An account that may not take `action` on an open order (another party or an
    /// outsider) tries it: it must revert with Unauthorized or NotOrderParty.
    function actAsStranger(uint256 seed, uint8 actionSeed, uint256 strangerSeed) external {
        if (openIds.length == 0) return;
        uint256 orderId = openIds[seed % openIds.length];
        Marketplace.Order memory order = _orderOf[orderId];
        Action action = Action(actionSeed % 6);
        address[] memory accounts = this.creditHolders();
        address stranger;
        for (uint256 i = 0; i < accounts.length; ++i) {
            stranger = accounts[(strangerSeed + i) % accounts.length];
            if (!_mayTake(order, action, stranger)) break;
        }
        (bool ok, bytes memory err) = _call(orderId, order, action, 5_000, false, stranger);
        if (ok) {
            ++strangerSettlements;
        } else if (bytes4(err) != Escrow.Unauthorized.selector && bytes4(err) != Marketplace.NotOrderParty.selector) {
            ++wrongStrangerErrors;
        } else {
            ++successes["strangerReverted"];
        }
    }

    /// @notice A party acts on an open order passing it with one field altered (the amount, a
    /// party, the arbiter, the token, the deadline or a fee): it must revert with OrderMismatch.
    function actWithForgedOrder(uint256 seed, uint8 actionSeed, uint8 field, uint256 otherSeed) external {
        if (openIds.length == 0) return;
        uint256 orderId = openIds[seed % openIds.length];
        Marketplace.Order memory forged = _orderOf[orderId];
        address other = this.creditHolders()[otherSeed % (actors.length + arbiters.length)];
        field %= 7;
        if (field == 0) forged.amount += 1 + (otherSeed % 1e18);
        else if (field == 1) forged.seller = other;
        else if (field == 2) forged.buyer = other;
        else if (field == 3) forged.arbiter = other;
        else if (field == 4) forged.token = tokens[(otherSeed % 2) + (forged.token == address(0) ? 1 : 0)];
        else if (field == 5) forged.deliveryDeadline += uint64(1 + (otherSeed % 1 days));
        else forged.protocolFeeBps = forged.protocolFeeBps == 0 ? 1 : 0;
        if (keccak256(abi.encode(forged)) == keccak256(abi.encode(_orderOf[orderId]))) return;
        (bool ok, bytes memory err) = _call(
            orderId,
            forged,
            Action(actionSeed % 6),
            5_000,
            otherSeed % 2 == 0,
            address(0)
        );
        if (ok) {
            ++forgedSettlements;
        } else if (bytes4(err) != Marketplace.OrderMismatch.selector) {
            ++wrongForgeryErrors;
        } else {
            ++successes["forgeryReverted"];
        }
    }

    /// @notice An account withdraws a credit: the first (account, token) from the seeds on with
    /// a credit, or the pair at the seeds (whose withdrawal reverts).
    function withdraw(uint256 accountSeed, uint256 tokenSeed, bool toSelf) external {
        address[] memory holders = this.creditHolders();
        address token = tokens[tokenSeed % tokens.length];
        address account = holders[accountSeed % holders.length];
        for (uint256 i = 0; i < holders.length * tokens.length; ++i) {
            address candidate = holders[(accountSeed + i) % holders.length];
            address currency = tokens[(tokenSeed + i / holders.length) % tokens.length];
            if (market.credits(candidate, currency) != 0) {
                (account, token) = (candidate, currency);
                break;
            }
        }
        vm.prank(account);
        try market.withdraw(token, toSelf ? account : sink) {
            ++successes["withdraw"];
        } catch {}
    }

    function sweepFees(uint256 tokenSeed) external {
        try market.sweepFees(tokens[tokenSeed % tokens.length]) {
            ++successes["sweepFees"];
        } catch {}
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 1, 2 days));
    }

    /// @notice The DAO changes the fees: open orders keep the terms they were created with.
    function setFees(uint256 protocolFeeBps, uint256 arbiterFeeBps) external {
        StoaRegistry.Params memory params = registry.params();
        params.protocolFeeBps = uint16(_bound(protocolFeeBps, 0, registry.MAX_PROTOCOL_FEE_BPS()));
        params.arbiterFeeBps = uint16(_bound(arbiterFeeBps, 0, registry.MAX_ARBITER_FEE_BPS()));
        vm.prank(admin);
        registry.setParams(params);
    }

    /// @notice The last arbiter asks to unbond (it can then neither take nor rule cases) or
    /// cancels its request; the other arbiters stay active.
    function toggleArbiterUnbonding() external {
        address arbiter = arbiters[arbiters.length - 1];
        vm.startPrank(arbiter);
        if (vault.stakeOf(arbiter).unbondingRequestedAt == 0) vault.requestUnbonding();
        else vault.cancelUnbonding();
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- internals

    function _fund(address buyer, address token, uint256 amount) private {
        if (token == address(0)) {
            vm.deal(buyer, buyer.balance + amount);
            return;
        }
        if (token == address(dusd)) dusd.faucet(buyer, amount);
        else hook.mint(buyer, amount);
        vm.prank(buyer);
        IERC20(token).approve(address(market), amount);
    }

    /// @dev Warps to the time from which `action` (Claim or ResolveUnruled) can settle the first
    /// open order from `seed` on in the right status, if there is one.
    function _skipAhead(uint256 seed, Action action) private {
        uint256 count = openIds.length;
        Marketplace.OrderStatus wanted =
            action == Action.Claim ? Marketplace.OrderStatus.Funded : Marketplace.OrderStatus.Disputed;
        for (uint256 i = 0; i < count; ++i) {
            uint256 orderId = openIds[(seed + i) % count];
            (Marketplace.OrderStatus status, uint256 disputedAt) = market.orderStatus(orderId);
            if (status != wanted) continue;
            Marketplace.Order memory order = _orderOf[orderId];
            uint256 from = action == Action.Claim ? order.deliveryDeadline : disputedAt + order.rulingPeriod;
            if (from > block.timestamp) vm.warp(from);
            return;
        }
    }

    /// @dev The index in `openIds` of the first open order from `seed` on that `action` can
    /// settle now, or the order at `seed` if none can (the call then reverts, which is tested too).
    function _pick(uint256 seed, Action action) private view returns (uint256) {
        uint256 count = openIds.length;
        for (uint256 i = 0; i < count; ++i) {
            uint256 index = (seed + i) % count;
            Marketplace.Order memory order = _orderOf[openIds[index]];
            (Marketplace.OrderStatus status, uint256 disputedAt) = market.orderStatus(openIds[index]);
            bool late = block.timestamp >= order.deliveryDeadline;
            if (action == Action.Release || action == Action.Refund) {
                if (status == Marketplace.OrderStatus.Funded) return index;
                continue;
            }
            if (action == Action.Dispute && status == Marketplace.OrderStatus.Funded && !late) return index;
            if (action == Action.Claim && status == Marketplace.OrderStatus.Funded && late) return index;
            if (action == Action.Rule && status == Marketplace.OrderStatus.Disputed) return index;
            if (
                action == Action.ResolveUnruled &&
                status == Marketplace.OrderStatus.Disputed &&
                block.timestamp >= disputedAt + order.rulingPeriod
            ) return index;
        }
        return seed % count;
    }

    /// @dev Settles an open order with `action` and checks what each party received.
    /// @param flag For a release or refund: any open order will do, disputed ones too; for
    /// resolveUnruled: the seller calls (else the buyer).
    function _settleOpen(uint256 seed, Action action, uint256 buyerBps, bool flag) private {
        if (openIds.length == 0) return;
        bool anyOrder = (action == Action.Release || action == Action.Refund) && flag;
        uint256 index = anyOrder ? seed % openIds.length : _pick(seed, action);
        uint256 orderId = openIds[index];
        Marketplace.Order memory order = _orderOf[orderId];

        uint256[4] memory received = _holdings(order);
        (bool ok, ) = _call(orderId, order, action, buyerBps, flag, address(0));
        if (!ok) return;
        uint256[4] memory afterwards = _holdings(order);
        for (uint256 i = 0; i < 4; ++i) received[i] = afterwards[i] - received[i];
        if (!_matches(received, _expectedSplit(order, action, buyerBps))) ++splitMismatches;

        paidOut[orderId] += received[0] + received[1] + received[2] + received[3];
        ++settleCount[orderId];
        unsettled[order.token] -= order.amount;
        openIds[index] = openIds[openIds.length - 1];
        openIds.pop();
        settledIds.push(orderId);
        ++successes[_actionName(action)];
    }

    /// @dev Whether `account` may take `action` on `order`.
    function _mayTake(Marketplace.Order memory order, Action action, address account) private pure returns (bool) {
        if (action == Action.Release) return account == order.buyer;
        if (action == Action.Refund || action == Action.Claim) return account == order.seller;
        if (action == Action.Rule) return account == order.arbiter;
        return account == order.buyer || account == order.seller;
    }

    /// @dev Whether buyer, seller, arbiter and fee bucket received exactly `split`.
    function _matches(uint256[4] memory received, Split memory split) private pure returns (bool) {
        return
            received[0] == split.payer &&
            received[1] == split.payee &&
            received[2] == split.arbiterFee &&
            received[3] == split.protocolFee;
    }

    function _actionName(Action action) private pure returns (bytes32) {
        if (action == Action.Release) return "release";
        if (action == Action.Refund) return "refund";
        if (action == Action.Rule) return "rule";
        if (action == Action.Claim) return "claim";
        return "resolveUnruled";
    }

    function _call(
        uint256 orderId,
        Marketplace.Order memory order,
        Action action,
        uint256 buyerBps,
        bool bySeller,
        address asCaller
    ) private returns (bool ok, bytes memory err) {
        bytes memory data;
        address caller;
        if (action == Action.Release) {
            (caller, data) = (order.buyer, abi.encodeCall(Marketplace.release, (orderId, order)));
        } else if (action == Action.Refund) {
            (caller, data) = (order.seller, abi.encodeCall(Marketplace.refund, (orderId, order)));
        } else if (action == Action.Rule) {
            data = abi.encodeCall(Marketplace.rule, (orderId, order, uint16(buyerBps)));
            caller = order.arbiter;
        } else if (action == Action.Claim) {
            (caller, data) = (order.seller, abi.encodeCall(Marketplace.claim, (orderId, order)));
        } else if (action == Action.ResolveUnruled) {
            data = abi.encodeCall(Marketplace.resolveUnruled, (orderId, order));
            caller = bySeller ? order.seller : order.buyer;
        } else {
            (caller, data) = (
                bySeller ? order.seller : order.buyer,
                abi.encodeCall(Marketplace.dispute, (orderId, order))
            );
        }
        vm.prank(asCaller == address(0) ? caller : asCaller);
        // solhint-disable-next-line avoid-low-level-calls
        (ok, err) = address(market).call(data);
    }

    /// @dev What buyer, seller and arbiter hold in the order's token (balance plus credit), and
    /// the fees accrued in it.
    function _holdings(Marketplace.Order memory order) private view returns (uint256[4] memory held) {
        held[0] = _held(order.buyer, order.token);
        held[1] = _held(order.seller, order.token);
        held[2] = _held(order.arbiter, order.token);
        held[3] = market.accruedFees(order.token);
    }

    function _held(address account, address token) private view returns (uint256) {
        uint256 balance = token == address(0) ? account.balance : IERC20(token).balanceOf(account);
        return balance + market.credits(account, token);
    }

    function _expectedSplit(
        Marketplace.Order memory order,
        Action action,
        uint256 buyerBps
    ) private pure returns (Split memory) {
        if (action == Action.Refund) return EscrowMath.refund(order.amount);
        if (action == Action.Rule) {
            return EscrowMath.rule(order.amount, buyerBps, order.arbiterFeeBps, order.protocolFeeBps);
        }
        if (action == Action.ResolveUnruled) return EscrowMath.unruled(order.amount, order.protocolFeeBps);
        return EscrowMath.release(order.amount, order.protocolFeeBps);
    }
}

/// @notice Invariant tests of the marketplace escrow on the real contracts (token, staking vault,
/// registry, marketplace, dUSD) under random call sequences: per token the marketplace holds
/// exactly every unsettled amount plus every withdrawable credit plus the accrued fees, and no
/// order pays out twice.
contract MarketplaceInvariantTest is Test {
    uint128 private constant MIN_STAKE = 1_000e18;

    StoaToken private token;
    StakingVault private vault;
    StoaRegistry private registry;
    Marketplace private market;
    DevStablecoin private dusd;
    HookToken private hook;
    MarketplaceHandler private handler;

    function setUp() public {
        token = new StoaToken(address(this), 1_000_000_000e18, new address[](0), new uint256[](0));
        vault = new StakingVault(token, address(this), 1 hours);
        dusd = new DevStablecoin();
        hook = new HookToken();

        address[] memory arbiters = new address[](3);
        arbiters[0] = makeAddr("arbiter0");
        arbiters[1] = makeAddr("arbiter1");
        arbiters[2] = makeAddr("arbiter2");
        address[] memory paymentTokens = new address[](2);
        paymentTokens[0] = address(dusd);
        paymentTokens[1] = address(hook);
        registry = new StoaRegistry(
            address(this),
            vault,
            makeAddr("treasury"),
            StoaRegistry.Params({
                protocolFeeBps: 100,
                arbiterFeeBps: 300,
                minDisputeWindow: 1 hours,
                maxDeliveryPeriod: 3 days,
                rulingPeriod: 1 days,
                minArbiterStake: MIN_STAKE
            }),
            arbiters,
            paymentTokens
        );
        for (uint256 i = 0; i < arbiters.length; ++i) {
            token.mint(arbiters[i], MIN_STAKE);
            vm.startPrank(arbiters[i]);
            token.approve(address(vault), MIN_STAKE);
            vault.deposit(MIN_STAKE, arbiters[i]);
            vm.stopPrank();
        }
        market = new Marketplace(registry);

        // Three plain accounts and a contract that rejects ETH and that the hook token blocks:
        // pushes to it become credits.
        address rejecting = address(new RejectingReceiver());
        hook.setBlocked(rejecting, true);
        address[] memory actors = new address[](4);
        actors[0] = makeAddr("alice");
        actors[1] = makeAddr("bob");
        actors[2] = makeAddr("carol");
        actors[3] = rejecting;

        handler = new MarketplaceHandler(market, vault, dusd, hook, address(this), actors, arbiters);
        targetContract(address(handler));
    }

    /// @notice Per token: marketplace balance == unsettled amounts + credits + accrued fees.
    function invariant_solvency() public view {
        address[] memory tokens = handler.tokenList();
        address[] memory holders = handler.creditHolders();
        for (uint256 t = 0; t < tokens.length; ++t) {
            address currency = tokens[t];
            uint256 credits;
            for (uint256 i = 0; i < holders.length; ++i) credits += market.credits(holders[i], currency);
            uint256 owed = handler.unsettled(currency) + credits + market.accruedFees(currency);
            uint256 balance =
                currency == address(0) ? address(market).balance : IERC20(currency).balanceOf(address(market));
            assertGe(balance, owed, "solvent: holds every unsettled amount, credit and fee");
            assertEq(balance, owed, "nothing lost or stuck");
        }
    }

    /// @notice Every settled order paid out its amount exactly once, with the split EscrowMath
    /// gives for its snapshotted terms; re-settling always reverted, and so did every call by an
    /// account not entitled to it or with an altered order; open orders keep their commitment.
    function invariant_noDoublePayout() public view {
        assertEq(handler.doubleSettlements(), 0, "a settled order was settled again");
        assertEq(handler.wrongResettleErrors(), 0, "re-settling reverted with another error");
        assertEq(handler.splitMismatches(), 0, "a settlement paid another split");
        assertEq(handler.commitmentMismatches(), 0, "an order committed to other terms");
        assertEq(handler.strangerSettlements(), 0, "an account acted on an order it may not act on");
        assertEq(handler.wrongStrangerErrors(), 0, "a stranger's call reverted with another error");
        assertEq(handler.forgedSettlements(), 0, "a call with an altered order succeeded");
        assertEq(handler.wrongForgeryErrors(), 0, "an altered order reverted with another error");
        uint256 settled = handler.settledCount();
        for (uint256 i = 0; i < settled; ++i) {
            uint256 orderId = handler.settledIds(i);
            assertEq(handler.settleCount(orderId), 1, "settled once");
            assertEq(handler.paidOut(orderId), handler.orderOf(orderId).amount, "paid out exactly its amount");
            (Marketplace.OrderStatus status, ) = market.orderStatus(orderId);
            assertEq(uint8(status), uint8(Marketplace.OrderStatus.Settled), "status Settled");
            assertFalse(market.matchesOrder(orderId, handler.orderOf(orderId)), "commitment cleared");
        }
        uint256 open = handler.openCount();
        for (uint256 i = 0; i < open; ++i) {
            uint256 orderId = handler.openIds(i);
            assertEq(handler.settleCount(orderId), 0, "open orders paid nothing");
            assertTrue(market.matchesOrder(orderId, handler.orderOf(orderId)), "open order keeps its commitment");
            (Marketplace.OrderStatus status, ) = market.orderStatus(orderId);
            assertTrue(
                status == Marketplace.OrderStatus.Funded || status == Marketplace.OrderStatus.Disputed,
                "open orders are funded or disputed"
            );
        }
        assertEq(open + settled, market.orderCount(), "every order is open or settled");
    }
}
