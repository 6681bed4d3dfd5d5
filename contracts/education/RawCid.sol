// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title RawCid
/// @notice Renders the CIDv1 of a `raw` block addressed by its sha2-256 digest in the base32
/// text form IPFS uses ("bafkrei..."), so that a contract storing only the 32-byte digest can
/// still give an `ipfs://` URI.
library RawCid {
    /// @dev CIDv1 (0x01), codec raw (0x55), multihash sha2-256 (0x12) of 32 bytes (0x20).
    bytes4 private constant PREFIX = 0x01551220;
    bytes private constant ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    /// @notice "b" + base32 (RFC 4648, lower case, no padding) of the binary CID.
    function toString(bytes32 digest) internal pure returns (string memory) {
        bytes memory cid = abi.encodePacked(PREFIX, digest);
        bytes memory text = new bytes(1 + (cid.length * 8 + 4) / 5);
        text[0] = "b";
        uint256 buffer;
        uint256 bits;
        uint256 out = 1;
        for (uint256 i = 0; i < cid.length; ++i) {
            buffer = (buffer << 8) | uint8(cid[i]);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                text[out++] = ALPHABET[(buffer >> bits) & 31];
            }
            buffer &= (1 << bits) - 1;
        }
        // 36 bytes are 288 bits: 57 full characters and one of the last 3 bits, zero-padded.
        text[out] = ALPHABET[(buffer << (5 - bits)) & 31];
        return string(text);
    }
}
