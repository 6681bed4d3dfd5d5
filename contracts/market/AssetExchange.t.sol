// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Foundry naming: test_*, testFuzz_*, invariant_*.
// solhint-disable func-name-mixedcase

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {AssetExchange} from "./AssetExchange.sol";
import {EscrowMath} from "../escrow/EscrowMath.sol";
import {StakingVault} from "../defi/StakingVault.sol";
import {StoaRegistry} from "../governance/StoaRegistry.sol";
import {StoaToken} from "../token/StoaToken.sol";
import {StoaAssets} from "../assets/StoaAssets.sol";
import {DevStablecoin} from "../dev/DevStablecoin.sol";
import {RejectingReceiver} from "../test/Attackers.sol";
import {GreedyRoyaltyCollection} from "../test/MockCollections.sol";

/// @notice Fuzz tests of real fills on the asset exchange: whatever the price, the ERC-2981
/// royalty and the protocol fee, the seller, the royalty receiver and the fee bucket receive
/// exactly the price the buyer paid, in ETH and in dUSD, also when the royalty receiver rejects
/// the push (a credit); and a royalty above the price minus the fee reverts the whole sale.
contract AssetExchangeFuzzTest is Test {
    StoaRegistry private registry;
    AssetExchange private exchange;
    StoaAssets private assets;
    GreedyRoyaltyCollection private greedy;
    DevStablecoin private dusd;

    address private seller;
    uint256 private sellerKey;
    address private buyer;
    address private creator;
    address private rejecting;

    function setUp() public {
        StoaToken token = new StoaToken(address(this), 1_000_000_000e18, new address[](0), new uint256[](0));
        StakingVault vault = new StakingVault(token, address(this), 1 hours);
        dusd = new DevStablecoin();
        address[] memory paymentTokens = new address[](1);
        paymentTokens[0] = address(dusd);
        registry = new StoaRegistry(
            address(this),
            vault,
            makeAddr("treasury"),
            StoaRegistry.Params({
                protocolFeeBps: 100,
                arbiterFeeBps: 300,
                minDisputeWindow: 1 hours,
                maxDeliveryPeriod: 30 days,
                rulingPeriod: 1 days,
                minArbiterStake: 0
            }),
            new address[](0),
            paymentTokens
        );
        exchange = new AssetExchange(registry);
        assets = new StoaAssets();
        greedy = new GreedyRoyaltyCollection();
        (seller, sellerKey) = makeAddrAndKey("seller");
        buyer = makeAddr("buyer");
        creator = makeAddr("creator");
        rejecting = address(new RejectingReceiver());
    }

    /// @notice A fill splits the price exactly: seller + royalty receiver + protocol fee == price,
    /// each part as EscrowMath and ERC-2981 say, and the buyer pays exactly the price.
    function testFuzz_fill_splitsThePriceExactly(
        uint256 price,
        uint96 royaltyBps,
        uint16 feeBps,
        bool inDusd,
        bool receiverRejects
    ) public {
        address currency = inDusd ? address(dusd) : address(0);
        price = bound(price, 1, inDusd ? dusd.FAUCET_LIMIT() : 1e30);
        royaltyBps = uint96(bound(royaltyBps, 0, assets.MAX_ROYALTY_BPS()));
        feeBps = uint16(bound(feeBps, 0, registry.MAX_PROTOCOL_FEE_BPS()));
        registry.setProtocolFee(feeBps);
        address receiver = receiverRejects ? rejecting : creator;

        vm.prank(seller);
        uint256 tokenId = assets.mint("bafkreiasset", receiver, royaltyBps);
        uint256 royalty = (price * royaltyBps) / 10_000;
        uint256 fee = EscrowMath.fee(price, feeBps);

        _fund(currency, price);
        uint256[4] memory before = _holdings(currency, receiver);
        _fill(address(assets), tokenId, currency, price);
        uint256[4] memory afterwards = _holdings(currency, receiver);

        assertEq(before[0] - afterwards[0], price, "the buyer paid exactly the price");
        assertEq(afterwards[1] - before[1], price - fee - royalty, "seller: price - fee - royalty");
        assertEq(afterwards[2] - before[2], royalty, "royalty receiver: the ERC-2981 royalty");
        assertEq(afterwards[3] - before[3], fee, "fee bucket: the protocol fee");
        assertEq(
            (afterwards[1] - before[1]) + (afterwards[2] - before[2]) + (afterwards[3] - before[3]),
            price,
            "no wei created or lost"
        );
        assertEq(
            _balance(currency, address(exchange)),
            exchange.accruedFees(currency) + exchange.credits(receiver, currency)
        );
        assertEq(IERC721(address(assets)).ownerOf(tokenId), buyer, "the buyer holds the token");
    }

    /// @notice With an uncapped royalty (up to 200% of the price), the fill reverts with
    /// RoyaltyAbovePrice exactly when the royalty exceeds the price minus the fee, and otherwise
    /// still splits the price exactly.
    function testFuzz_fill_royaltyAbovePriceMinusFeeReverts(
        uint256 price,
        uint256 royaltyBps,
        uint16 feeBps,
        bool inDusd
    ) public {
        address currency = inDusd ? address(dusd) : address(0);
        price = bound(price, 1, inDusd ? dusd.FAUCET_LIMIT() : 1e30);
        royaltyBps = bound(royaltyBps, 0, 20_000);
        feeBps = uint16(bound(feeBps, 0, registry.MAX_PROTOCOL_FEE_BPS()));
        registry.setProtocolFee(feeBps);
        greedy.setRoyalty(creator, royaltyBps);
        greedy.mint(seller, 1);
        uint256 royalty = (price * royaltyBps) / 10_000;
        uint256 fee = EscrowMath.fee(price, feeBps);

        if (royalty > price - fee) {
            AssetExchange.AssetOrder memory order = _order(address(greedy), 1, currency, price);
            bytes memory signature = _sign(order);
            _fund(currency, price);
            vm.expectRevert(abi.encodeWithSelector(EscrowMath.RoyaltyAbovePrice.selector, royalty, fee, price));
            vm.prank(buyer);
            exchange.fill{value: currency == address(0) ? price : 0}(order, signature);
            assertEq(greedy.ownerOf(1), seller, "the token stays with the seller");
            assertTrue(exchange.isNonceAvailable(seller, order.nonce), "the nonce stays unused");
        } else {
            _fund(currency, price);
            uint256[4] memory before = _holdings(currency, creator);
            _fill(address(greedy), 1, currency, price);
            uint256[4] memory afterwards = _holdings(currency, creator);
            assertEq(before[0] - afterwards[0], price, "the buyer paid exactly the price");
            assertEq(afterwards[1] - before[1], price - fee - royalty, "seller");
            assertEq(afterwards[2] - before[2], royalty, "royalty receiver");
            assertEq(afterwards[3] - before[3], fee, "fee bucket");
        }
    }

    // ---------------------------------------------------------------- helpers

    function _order(
        address collection,
        uint256 tokenId,
        address currency,
        uint256 price
    ) private view returns (AssetExchange.AssetOrder memory) {
        return
            AssetExchange.AssetOrder({
                seller: seller,
                collection: collection,
                tokenId: tokenId,
                currency: currency,
                price: price,
                nonce: uint256(keccak256(abi.encode(collection, tokenId, price))),
                deadline: uint64(block.timestamp + 1 days)
            });
    }

    function _sign(AssetExchange.AssetOrder memory order) private view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(sellerKey, exchange.hashOrder(order));
        return abi.encodePacked(r, s, v);
    }

    function _fund(address currency, uint256 price) private {
        if (currency == address(0)) {
            vm.deal(buyer, price);
        } else {
            dusd.faucet(buyer, price);
            vm.prank(buyer);
            dusd.approve(address(exchange), price);
        }
    }

    /// @dev The seller approves the exchange and signs; the buyer (funded) fills.
    function _fill(address collection, uint256 tokenId, address currency, uint256 price) private {
        AssetExchange.AssetOrder memory order = _order(collection, tokenId, currency, price);
        bytes memory signature = _sign(order);
        vm.prank(seller);
        IERC721(collection).setApprovalForAll(address(exchange), true);
        vm.prank(buyer);
        exchange.fill{value: currency == address(0) ? price : 0}(order, signature);
    }

    /// @dev Buyer's balance, seller's and royalty receiver's balance plus credit, accrued fees.
    function _holdings(address currency, address receiver) private view returns (uint256[4] memory held) {
        held[0] = _balance(currency, buyer);
        held[1] = _balance(currency, seller) + exchange.credits(seller, currency);
        held[2] = _balance(currency, receiver) + exchange.credits(receiver, currency);
        held[3] = exchange.accruedFees(currency);
    }

    function _balance(address currency, address account) private view returns (uint256) {
        return currency == address(0) ? account.balance : IERC20(currency).balanceOf(account);
    }
}
