// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title NaiveEscrow
/// @notice Gas reference for `npm run bench:gas` only, never deployed: the straightforward escrow
/// that stores the whole order struct and pushes every payment, to compare Marketplace against.
contract NaiveEscrow {
    struct Order {
        address buyer;
        address seller;
        address arbiter;
        address token;
        uint256 amount;
        bytes32 listingHash;
        uint64 createdAt;
        uint64 deliveryDeadline;
        uint16 feeBps;
        uint8 status;
    }

    address public immutable treasury;
    uint256 public orderCount;
    mapping(uint256 => Order) public orders;

    event OrderCreated(uint256 indexed orderId, address indexed buyer, address indexed seller);
    event OrderReleased(uint256 indexed orderId);

    constructor(address treasury_) {
        treasury = treasury_;
    }

    function createOrder(
        address seller,
        address arbiter,
        bytes32 listingHash,
        uint64 deadline
    ) external payable returns (uint256 orderId) {
        orderId = ++orderCount;
        orders[orderId] = Order(
            msg.sender,
            seller,
            arbiter,
            address(0),
            msg.value,
            listingHash,
            uint64(block.timestamp),
            deadline,
            100,
            1
        );
        emit OrderCreated(orderId, msg.sender, seller);
    }

    function release(uint256 orderId) external {
        Order storage order = orders[orderId];
        require(order.buyer == msg.sender && order.status == 1, "not releasable");
        order.status = 2;
        uint256 fee = (order.amount * order.feeBps) / 10_000;
        payable(treasury).transfer(fee);
        payable(order.seller).transfer(order.amount - fee);
        emit OrderReleased(orderId);
    }
}
