// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ReentrantActor} from "./Attackers.sol";

// Test doubles for the marketplace, payments and asset exchange tests only.

/// @notice A contract account that accepts ETH only while `accepting`, and whose `execute`
/// bubbles the callee's revert data (so a test sees the callee's custom error).
contract ToggleReceiver {
    bool public accepting;

    function setAccepting(bool accepting_) external {
        accepting = accepting_;
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

    receive() external payable {
        require(accepting, "not accepting");
    }
}

/// @notice An ERC-721 whose fallback answers every unknown call, `royaltyInfo` included, with
/// empty return data: a call that succeeds but says nothing.
contract SilentRoyaltyCollection is ERC721 {
    constructor() ERC721("Silent Royalty", "SILENT") {}

    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }

    fallback() external {}
}

/// @notice A ReentrantActor that is also an ERC-1271 wallet of `owner`, so that it can sign asset
/// orders as a seller and try to re-enter when it is paid.
contract ReentrantWallet is ReentrantActor, IERC1271 {
    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, , ) = ECDSA.tryRecover(hash, signature);
        return signer == owner ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }
}
