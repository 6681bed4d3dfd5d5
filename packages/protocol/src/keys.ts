/**
 * secp256k1 with @noble/curves: Ethereum addresses, signing a 32-byte digest with a private key
 * (app keys, tests) and recovering the signer of a 65-byte r‖s‖v signature. Only canonical
 * signatures are accepted (v 27/28, low s), so every valid signature has one encoding.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { concatBytes, fromHex, keccak256, toHex, type Hex } from "./bytes.ts";
import { SignatureError } from "./errors.ts";

const HALF_N = secp256k1.Point.CURVE().n >> 1n;

/** The lower-case Ethereum address of an uncompressed (65-byte) or compressed public key. */
export function addressOfPublicKey(publicKey: Uint8Array): Hex {
  const uncompressed = publicKey.length === 65 ? publicKey : secp256k1.Point.fromBytes(publicKey).toBytes(false);
  return toHex(keccak256(uncompressed.subarray(1)).subarray(12));
}

/** The lower-case address of a 32-byte private key (0x hex). */
export function addressOfPrivateKey(privateKey: Hex): Hex {
  return addressOfPublicKey(secp256k1.getPublicKey(fromHex(privateKey), false));
}

/** A fresh random private key (0x hex), e.g. for an app key. */
export function randomPrivateKey(): Hex {
  return toHex(secp256k1.utils.randomSecretKey());
}

/** Signs a 32-byte digest: the 65-byte r‖s‖v signature (v 27 or 28), as 0x hex. */
export function signDigest(digest: Hex, privateKey: Hex): Hex {
  const sig = secp256k1.sign(fromHex(digest), fromHex(privateKey), { prehash: false, format: "recovered" });
  // noble's "recovered" format is recovery ‖ r ‖ s; Ethereum's is r ‖ s ‖ (27 + recovery).
  return toHex(concatBytes(sig.subarray(1), new Uint8Array([27 + sig[0]!])));
}

/** The lower-case address that signed `digest`, or a SignatureError. */
export function recoverSigner(digest: Hex, signature: string, field = "sig"): Hex {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) throw new SignatureError("signature must be 65 bytes of hex", field);
  const bytes = fromHex(signature);
  const v = bytes[64]!;
  if (v !== 27 && v !== 28) throw new SignatureError("signature v must be 27 or 28", field);
  let s = 0n;
  for (const b of bytes.subarray(32, 64)) s = (s << 8n) | BigInt(b);
  if (s === 0n || s > HALF_N)
    throw new SignatureError("signature s must be in the lower half of the curve order", field);
  try {
    const recovered = concatBytes(new Uint8Array([v - 27]), bytes.subarray(0, 64));
    // Straight to the uncompressed key the address hashes (not compressed, then decompressed).
    const point = secp256k1.Signature.fromBytes(recovered, "recovered").recoverPublicKey(fromHex(digest));
    return addressOfPublicKey(point.toBytes(false));
  } catch {
    throw new SignatureError("signature does not recover a public key", field);
  }
}
