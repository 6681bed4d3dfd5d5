// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Payments} from "../escrow/Payments.sol";
import {EscrowMath} from "../escrow/EscrowMath.sol";
import {StoaRegistry} from "../governance/StoaRegistry.sol";

/// @title AssetExchange
/// @notice Sells ERC-721 assets without escrow through signed orders, Seaport/0x style. The seller
/// signs an EIP-712 `AssetOrder` off-chain (Stoa keeps it in OrbitDB) and approves this contract
/// for the collection; a buyer fills it on-chain in one atomic transaction: the token goes to the
/// buyer, the price to the seller minus the ERC-2981 royalty and the protocol fee.
/// @dev Replay protection: the EIP-712 domain binds the chain id and this contract; every order
/// carries a nonce (one fill, tracked in a bitmap, so a seller's sequential nonces share storage
/// slots) and a deadline; a seller cancels one order by its nonce or every order below a new
/// minimum nonce. Sellers may be EOAs or ERC-1271 contract wallets.
contract AssetExchange is Payments, EIP712 {
    /// @notice An order to sell one ERC-721 token.
    /// @param seller Owner of the token, signer of the order.
    /// @param collection The ERC-721 contract.
    /// @param tokenId The token for sale.
    /// @param currency Payment token; address(0) for ETH.
    /// @param price Price in the currency's smallest unit (wei).
    /// @param nonce Single-use number chosen by the seller.
    /// @param deadline Last second (unix) at which the order may be filled.
    struct AssetOrder {
        address seller;
        address collection;
        uint256 tokenId;
        address currency;
        uint256 price;
        uint256 nonce;
        uint64 deadline;
    }

    /// @notice EIP-712 type hash of `AssetOrder`.
    bytes32 public constant ASSET_ORDER_TYPEHASH = keccak256(
        "AssetOrder(address seller,address collection,uint256 tokenId,address currency,uint256 price,uint256 nonce,uint64 deadline)"
    );

    /// @notice Bit `nonce % 256` of word `nonce / 256` is set once `seller` used or cancelled `nonce`.
    mapping(address seller => mapping(uint256 word => uint256 bits)) public nonceBitmap;
    /// @notice Nonces of `seller` below this value are cancelled.
    mapping(address seller => uint256) public minNonce;

    /// @notice `buyer` filled order `orderHash` (the EIP-712 digest of the signed order, which
    /// names the collection, currency and price) for `tokenId`; `royalty` went to
    /// `royaltyReceiver`, `protocolFee` to the treasury and the rest of the price to `seller`.
    event AssetOrderFilled(
        bytes32 indexed orderHash,
        address indexed seller,
        address indexed buyer,
        uint256 tokenId,
        uint256 royalty,
        address royaltyReceiver,
        uint256 protocolFee
    );
    /// @notice `seller` cancelled its order with `nonce`.
    event AssetOrderCancelled(address indexed seller, uint256 nonce);
    /// @notice `seller` cancelled every order with a nonce below `newMinNonce`.
    event AllAssetOrdersCancelled(address indexed seller, uint256 newMinNonce);

    /// @notice The order expired at `deadline`.
    error OrderExpired(uint256 deadline);
    /// @notice The nonce was already used or cancelled.
    error NonceUsed(address seller, uint256 nonce);
    /// @notice The signature is not the seller's.
    error InvalidSignature(address seller);
    /// @notice A new minimum nonce must be above the current one.
    error MinNonceNotIncreasing(uint256 current, uint256 requested);
    /// @notice A seller cannot fill its own order.
    error SelfPurchase(address account);

    /// @param registry_ The platform registry.
    constructor(StoaRegistry registry_) Payments(registry_) EIP712("Stoa Asset Exchange", "1") {}

    /// @notice Buys the token of `order`, paying `order.price` (as value for ETH; approve this
    /// contract for an ERC-20).
    /// @param signature The seller's EIP-712 signature (or ERC-1271 signature) of `order`.
    function fill(AssetOrder calldata order, bytes calldata signature) external payable nonReentrant {
        address buyer = msg.sender;
        if (buyer == order.seller) revert SelfPurchase(buyer);
        if (block.timestamp > order.deadline) revert OrderExpired(order.deadline);
        _useNonce(order.seller, order.nonce);
        bytes32 orderHash = hashOrder(order);
        if (!SignatureChecker.isValidSignatureNowCalldata(order.seller, orderHash, signature)) {
            revert InvalidSignature(order.seller);
        }
        _settle(order, orderHash, buyer);
    }

    /// @notice Cancels the caller's order with `nonce`.
    function cancel(uint256 nonce) external {
        _useNonce(msg.sender, nonce);
        emit AssetOrderCancelled(msg.sender, nonce);
    }

    /// @notice Cancels every order of the caller with a nonce below `newMinNonce`.
    function cancelAllBelow(uint256 newMinNonce) external {
        uint256 current = minNonce[msg.sender];
        if (newMinNonce <= current) revert MinNonceNotIncreasing(current, newMinNonce);
        minNonce[msg.sender] = newMinNonce;
        emit AllAssetOrdersCancelled(msg.sender, newMinNonce);
    }

    /// @notice Whether `seller` can still use `nonce` (neither used, cancelled nor below the minimum).
    function isNonceAvailable(address seller, uint256 nonce) external view returns (bool) {
        return nonce >= minNonce[seller] && nonceBitmap[seller][nonce >> 8] & (1 << (nonce & 0xff)) == 0;
    }

    /// @notice The EIP-712 digest the seller signs for `order`.
    function hashOrder(AssetOrder calldata order) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        ASSET_ORDER_TYPEHASH,
                        order.seller,
                        order.collection,
                        order.tokenId,
                        order.currency,
                        order.price,
                        order.nonce,
                        order.deadline
                    )
                )
            );
    }

    /// @dev Fee and royalty, then the effects, then the interactions: payment in, token out,
    /// payments out.
    function _settle(AssetOrder calldata order, bytes32 orderHash, address buyer) private {
        uint16 feeBps = registry.saleTerms(buyer, order.seller, order.currency);
        (address royaltyReceiver, uint256 royalty) = _royalty(order.collection, order.tokenId, order.price);
        (uint256 sellerAmount, uint256 protocolFee) = EscrowMath.sale(order.price, royalty, feeBps);
        _accrueFee(order.currency, protocolFee);
        emit AssetOrderFilled(orderHash, order.seller, buyer, order.tokenId, royalty, royaltyReceiver, protocolFee);

        _collect(order.currency, buyer, order.price);
        IERC721(order.collection).safeTransferFrom(order.seller, buyer, order.tokenId);
        _pay(order.seller, order.currency, sellerAmount);
        _pay(royaltyReceiver, order.currency, royalty);
    }

    function _useNonce(address seller, uint256 nonce) private {
        if (nonce < minNonce[seller]) revert NonceUsed(seller, nonce);
        uint256 bit = 1 << (nonce & 0xff);
        uint256 bits = nonceBitmap[seller][nonce >> 8];
        if (bits & bit != 0) revert NonceUsed(seller, nonce);
        nonceBitmap[seller][nonce >> 8] = bits | bit;
    }

    /// @dev The ERC-2981 royalty of the token, or none if the collection does not implement it.
    /// A low-level call, so that a collection without `royaltyInfo` (or with a fallback that
    /// returns nothing) means "no royalty" instead of a failed sale.
    function _royalty(
        address collection,
        uint256 tokenId,
        uint256 price
    ) private view returns (address receiver, uint256 royalty) {
        (bool ok, bytes memory result) = collection.staticcall(abi.encodeCall(IERC2981.royaltyInfo, (tokenId, price)));
        if (!ok || result.length < 64) return (address(0), 0);
        (receiver, royalty) = abi.decode(result, (address, uint256));
        if (receiver == address(0)) return (address(0), 0);
    }
}
