// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Escrow} from "../escrow/Escrow.sol";
import {Outcome, Split} from "../escrow/EscrowMath.sol";
import {StoaRegistry} from "../governance/StoaRegistry.sol";

/// @title Marketplace
/// @notice Moderated escrow for Stoa listings, OpenBazaar's model done on-chain. A buyer pays for
/// an off-chain listing into escrow (ETH or an accepted ERC-20, optionally with an EIP-2612 permit
/// in the same transaction) and names an arbiter from the DAO's set. Then:
/// - the buyer releases the payment to the seller (minus the protocol fee), or
/// - the seller refunds the buyer in full, or
/// - either party disputes before the delivery deadline, and the arbiter rules any split (the
///   arbiter fee comes first, the protocol fee on the seller's part) within the ruling period; after
///   it, either party may settle with an even split without arbiter fee, or
/// - the buyer stays silent until the delivery deadline, and the seller claims the payment.
/// @dev Storage holds one slot per open order: a commitment to the order's parameters plus its
/// status and dispute time. Callers pass the whole `Order` (as emitted in `OrderCreated`) and the
/// contract checks it against the commitment. Settling an order clears its slot (the gas refund
/// pays for much of the settlement); an id at most `orderCount` with an empty slot is settled,
/// and its outcome and split are in its `OrderSettled` event. Fees and windows are snapshotted
/// at creation.
contract Marketplace is Escrow {
    /// @notice Where an order stands. Settled is final; its outcome is in `OrderSettled`.
    enum OrderStatus {
        None,
        Funded,
        Disputed,
        Settled
    }

    /// @notice What a buyer asks for.
    /// @param seller Receiver of the payment.
    /// @param arbiter Arbiter from the registry's set, judge of any dispute.
    /// @param token Payment token; address(0) for ETH.
    /// @param amount Price in the token's smallest unit (wei).
    /// @param listingHash The listing version's record id (its EIP-712 digest), which nodes join orders to.
    /// @param deliveryDeadline Until when (unix seconds) the buyer may release or dispute; from then
    /// on the seller may claim.
    struct OrderRequest {
        address seller;
        address arbiter;
        address token;
        uint256 amount;
        bytes32 listingHash;
        uint64 deliveryDeadline;
    }

    /// @notice An order as committed: the request plus the buyer and the terms.
    struct Order {
        address buyer;
        address seller;
        address arbiter;
        address token;
        uint256 amount;
        bytes32 listingHash;
        uint64 deliveryDeadline;
        uint16 protocolFeeBps;
        uint16 arbiterFeeBps;
        uint32 rulingPeriod;
    }

    uint256 private constant STATUS_BITS = 8;
    uint256 private constant TIME_BITS = 48;
    uint256 private constant COMMITMENT_MASK = ~uint256((1 << (STATUS_BITS + TIME_BITS)) - 1);

    /// @notice Number of orders created; order ids run from 1 to `orderCount`.
    uint256 public orderCount;
    /// @dev orderId => [200 bits of the order hash | 48 bits dispute time | 8 bits status].
    mapping(uint256 orderId => uint256) private _orders;

    /// @notice A buyer funded an order; `order` is what later calls must pass.
    event OrderCreated(uint256 indexed orderId, address indexed buyer, address indexed seller, Order order);
    /// @notice `by` (buyer or seller) disputed the order.
    event OrderDisputed(uint256 indexed orderId, address indexed by);
    /// @notice The order ended with `outcome`; `split` says who received what.
    event OrderSettled(uint256 indexed orderId, Outcome outcome, Split split);

    /// @notice `order` does not match what order `orderId` committed to (or the order is unknown).
    error OrderMismatch(uint256 orderId);
    /// @notice The order is `status`, which does not allow this action.
    error WrongOrderStatus(uint256 orderId, OrderStatus status);
    /// @notice `account` is neither the buyer nor the seller of the order.
    error NotOrderParty(uint256 orderId, address account);
    /// @notice The dispute window closed at `deadline`.
    error DisputeWindowClosed(uint256 orderId, uint256 deadline);
    /// @notice The seller may claim only from `deadline`.
    error DeliveryDeadlineNotReached(uint256 orderId, uint256 deadline);
    /// @notice The arbiter may rule until `endsAt`; the fallback applies only after.
    error RulingPeriodNotOver(uint256 orderId, uint256 endsAt);
    /// @notice The ruling period ended at `endedAt`: only the even-split fallback remains.
    error RulingPeriodOver(uint256 orderId, uint256 endedAt);
    /// @notice The buyer cannot be the seller.
    error SelfPurchase(address account);

    /// @param registry_ The platform registry.
    constructor(StoaRegistry registry_) Escrow(registry_) {}

    // ---------------------------------------------------------------- creating orders

    /// @notice Creates and funds an order; for ETH send `request.amount` as value, for an ERC-20
    /// approve it first.
    /// @return orderId The new order's id.
    function createOrder(OrderRequest calldata request) external payable nonReentrant returns (uint256 orderId) {
        return _createOrder(request);
    }

    /// @notice Creates and funds an ERC-20 order in one transaction with an EIP-2612 permit of
    /// `request.amount` to this contract, signed by the buyer.
    /// @return orderId The new order's id.
    function createOrderWithPermit(
        OrderRequest calldata request,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 orderId) {
        _permit(request.token, request.amount, permitDeadline, v, r, s);
        return _createOrder(request);
    }

    // ---------------------------------------------------------------- settling orders

    /// @notice The buyer releases the payment to the seller (minus the protocol fee), also to end
    /// a dispute.
    function release(uint256 orderId, Order calldata order) external nonReentrant {
        _load(orderId, order);
        if (msg.sender != order.buyer) revert Unauthorized(msg.sender, order.buyer);
        _settle(orderId, order, Outcome.Released, 0);
    }

    /// @notice The seller refunds the buyer in full, also to end a dispute.
    function refund(uint256 orderId, Order calldata order) external nonReentrant {
        _load(orderId, order);
        if (msg.sender != order.seller) revert Unauthorized(msg.sender, order.seller);
        _settle(orderId, order, Outcome.Refunded, 0);
    }

    /// @notice The buyer or the seller disputes the order, before its delivery deadline.
    function dispute(uint256 orderId, Order calldata order) external nonReentrant {
        OrderStatus status = _load(orderId, order);
        if (msg.sender != order.buyer && msg.sender != order.seller) revert NotOrderParty(orderId, msg.sender);
        if (status != OrderStatus.Funded) revert WrongOrderStatus(orderId, status);
        if (block.timestamp >= order.deliveryDeadline) revert DisputeWindowClosed(orderId, order.deliveryDeadline);
        _orders[orderId] = _withStatus(_orders[orderId], OrderStatus.Disputed, block.timestamp);
        emit OrderDisputed(orderId, msg.sender);
    }

    /// @notice The arbiter rules a disputed order within the ruling period: the buyer receives
    /// `buyerBps` of the payment after the arbiter fee, the seller the rest minus the protocol fee.
    function rule(uint256 orderId, Order calldata order, uint16 buyerBps) external nonReentrant {
        OrderStatus status = _load(orderId, order);
        _requireRuling(order.arbiter);
        if (status != OrderStatus.Disputed) revert WrongOrderStatus(orderId, status);
        uint256 endsAt = _disputedAt(_orders[orderId]) + order.rulingPeriod;
        if (block.timestamp >= endsAt) revert RulingPeriodOver(orderId, endsAt);
        _settle(orderId, order, Outcome.Ruled, buyerBps);
    }

    /// @notice The seller claims the payment when the buyer neither released nor disputed before
    /// the delivery deadline.
    function claim(uint256 orderId, Order calldata order) external nonReentrant {
        OrderStatus status = _load(orderId, order);
        if (msg.sender != order.seller) revert Unauthorized(msg.sender, order.seller);
        if (status != OrderStatus.Funded) revert WrongOrderStatus(orderId, status);
        if (block.timestamp < order.deliveryDeadline) {
            revert DeliveryDeadlineNotReached(orderId, order.deliveryDeadline);
        }
        _settle(orderId, order, Outcome.Claimed, 0);
    }

    /// @notice Either party ends a dispute that the arbiter left unruled past the ruling period:
    /// an even split, without arbiter fee.
    function resolveUnruled(uint256 orderId, Order calldata order) external nonReentrant {
        uint256 slot = _orders[orderId];
        OrderStatus status = _load(orderId, order);
        if (msg.sender != order.buyer && msg.sender != order.seller) revert NotOrderParty(orderId, msg.sender);
        if (status != OrderStatus.Disputed) revert WrongOrderStatus(orderId, status);
        uint256 endsAt = _disputedAt(slot) + order.rulingPeriod;
        if (block.timestamp < endsAt) revert RulingPeriodNotOver(orderId, endsAt);
        _settle(orderId, order, Outcome.Unruled, 0);
    }

    // ---------------------------------------------------------------- views

    /// @notice The status of order `orderId` and, while disputed, since when (unix seconds).
    function orderStatus(uint256 orderId) external view returns (OrderStatus status, uint256 disputedAt) {
        uint256 slot = _orders[orderId];
        if (slot == 0) {
            if (orderId != 0 && orderId <= orderCount) return (OrderStatus.Settled, 0);
            return (OrderStatus.None, 0);
        }
        return (OrderStatus(uint8(slot)), _disputedAt(slot));
    }

    /// @notice Whether `order` is what order `orderId` committed to.
    function matchesOrder(uint256 orderId, Order calldata order) external view returns (bool) {
        uint256 slot = _orders[orderId];
        return slot != 0 && slot & COMMITMENT_MASK == _commitment(order);
    }

    // ---------------------------------------------------------------- internals

    function _createOrder(OrderRequest calldata request) private returns (uint256 orderId) {
        address buyer = msg.sender;
        if (request.seller == buyer) revert SelfPurchase(buyer);
        Terms memory terms = _escrowTerms(
            buyer,
            request.seller,
            request.arbiter,
            request.token,
            request.deliveryDeadline
        );
        Order memory order = Order({
            buyer: buyer,
            seller: request.seller,
            arbiter: request.arbiter,
            token: request.token,
            amount: request.amount,
            listingHash: request.listingHash,
            deliveryDeadline: request.deliveryDeadline,
            protocolFeeBps: terms.protocolFeeBps,
            arbiterFeeBps: terms.arbiterFeeBps,
            rulingPeriod: terms.rulingPeriod
        });
        orderId = ++orderCount;
        _orders[orderId] = _commitment(order) | uint256(OrderStatus.Funded);
        emit OrderCreated(orderId, buyer, request.seller, order);
        _collect(request.token, buyer, request.amount);
    }

    function _settle(uint256 orderId, Order calldata order, Outcome outcome, uint256 buyerBps) private {
        Split memory split = _split(outcome, order.amount, buyerBps, _terms(order));
        delete _orders[orderId];
        emit OrderSettled(orderId, outcome, split);
        _payOut(order.token, order.buyer, order.seller, order.arbiter, split);
    }

    /// @dev Returns the status of open order `orderId` (Funded or Disputed) after checking `order`
    /// against its commitment; a settled or unknown order has no commitment and reverts.
    function _load(uint256 orderId, Order calldata order) private view returns (OrderStatus) {
        uint256 slot = _orders[orderId];
        if (slot == 0 || slot & COMMITMENT_MASK != _commitment(order)) revert OrderMismatch(orderId);
        return OrderStatus(uint8(slot));
    }

    function _withStatus(uint256 slot, OrderStatus status, uint256 disputedAt) private pure returns (uint256) {
        return (slot & COMMITMENT_MASK) | (disputedAt << STATUS_BITS) | uint256(status);
    }

    function _commitment(Order memory order) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(order))) & COMMITMENT_MASK;
    }

    function _disputedAt(uint256 slot) private pure returns (uint256) {
        return (slot >> STATUS_BITS) & ((1 << TIME_BITS) - 1);
    }

    function _terms(Order calldata order) private pure returns (Terms memory) {
        return Terms(order.protocolFeeBps, order.arbiterFeeBps, order.rulingPeriod);
    }
}
