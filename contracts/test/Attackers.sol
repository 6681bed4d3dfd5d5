// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";

// Test doubles for the contract tests only: accounts that attack or misbehave.

/// @notice A contract account that acts as buyer, seller, arbiter, worker or royalty receiver
/// (through `execute`) and, once armed, tries one reentrant call when it receives ETH, an
/// ERC-721, or a token hook. It records whether the reentry succeeded and its revert data.
contract ReentrantActor is IERC721Receiver {
    address public reentryTarget;
    bytes public reentryCall;
    bool public armed;
    bool public attempted;
    bool public reentrySucceeded;
    bytes public reentryError;
    uint256 public received;

    function arm(address target, bytes calldata data) external {
        reentryTarget = target;
        reentryCall = data;
        armed = true;
        attempted = false;
    }

    function execute(address to, uint256 value, bytes calldata data) external payable returns (bytes memory) {
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = to.call{value: value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
        return result;
    }

    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        received += msg.value;
        _reenter();
    }

    function onTokenTransfer() external {
        _reenter();
    }

    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        _reenter();
        return IERC721Receiver.onERC721Received.selector;
    }

    function _reenter() private {
        if (!armed || attempted) return;
        attempted = true;
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = reentryTarget.call(reentryCall);
        reentrySucceeded = ok;
        reentryError = result;
    }
}

/// @notice A contract that rejects every ETH payment.
contract RejectingReceiver {
    function execute(address to, uint256 value, bytes calldata data) external payable returns (bytes memory) {
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = to.call{value: value}(data);
        require(ok, "call failed");
        return result;
    }

    receive() external payable {
        revert("no ETH, thanks");
    }
}

/// @notice A contract that burns all the gas it is given when paid.
contract GasGuzzler {
    receive() external payable {
        while (true) {}
    }
}

/// @notice A minimal ERC-1271 smart-contract wallet owned by one EOA.
contract ERC1271Wallet is IERC1271 {
    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    function execute(address to, uint256 value, bytes calldata data) external payable returns (bytes memory) {
        require(msg.sender == owner, "not owner");
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = to.call{value: value}(data);
        require(ok, "call failed");
        return result;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, , ) = ECDSA.tryRecover(hash, signature);
        return signer == owner ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }

    receive() external payable {}
}
