/**
 * `order-note`: a message about an on-chain order (shipping details, messages), encrypted end to
 * end to one recipient: x25519 ephemeral key agreement + XChaCha20-Poly1305. Only the envelope is
 * checked here; the plaintext format belongs to the market module.
 */
import { z } from "zod";
import { address, chainId, uintString } from "./fields.ts";

export const orderNoteV1 = z.strictObject({
  chainId,
  orderId: uintString,
  recipient: address,
  /** The sender's ephemeral x25519 public key, 32 bytes hex. */
  epk: z.string().regex(/^0x[0-9a-f]{64}$/, "must be 32 bytes of lower-case hex"),
  /** The XChaCha20 nonce, 24 bytes hex. */
  nonce: z.string().regex(/^0x[0-9a-f]{48}$/, "must be 24 bytes of lower-case hex"),
  /** Ciphertext with its Poly1305 tag, base64, at most 8 KiB of plaintext. */
  ciphertext: z
    .string()
    .max(11_000)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64"),
});
export type OrderNoteV1 = z.infer<typeof orderNoteV1>;
