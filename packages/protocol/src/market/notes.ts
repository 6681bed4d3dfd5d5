/**
 * Order notes, encrypted end to end: a sender seals a note to one recipient's x25519 public key
 * with a fresh ephemeral key (ECIES: x25519, HKDF-SHA256, XChaCha20-Poly1305). The associated
 * data binds the ciphertext to its chain, order, author, recipient and ephemeral key, so that a
 * note copied into another order, readdressed, or re-signed by someone else does not open.
 *
 * Keys come from the wallet: the x25519 secret key is HKDF-SHA256 of the wallet's signature of a
 * fixed message (`noteKeyMessage`), which standard wallets produce deterministically (RFC 6979),
 * so nothing secret is ever stored and any device with the wallet recovers the key. The public
 * key is published in the account's profile (`noteKey`).
 */
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { z } from "zod";
import { concatBytes, fromHex, toHex, utf8, type Hex } from "../bytes.ts";
import { canonicalJson } from "../canonical-json.ts";
import { InvalidRecordError, NoteDecryptError } from "../errors.ts";
import { NETWORK_ID } from "../families.ts";
import type { OrderNoteV1 } from "../records/order-note.ts";
import { address } from "../records/fields.ts";

/** Most bytes of a plaintext's canonical JSON (the record's ciphertext field holds 8 KiB). */
export const MAX_NOTE_PLAINTEXT_BYTES = 8_192;
const KEY_INFO = utf8("stoa/order-notes/key/v1");
const SEAL_INFO = utf8("stoa/order-notes/v1");

const noteKind = z.enum(["message", "shipping", "shipped"]);

/** What a note says, once opened. "forwarded" re-encrypts an earlier note to the arbiter in a dispute. */
export const orderNotePlaintextV1 = z.discriminatedUnion("kind", [
  z.strictObject({ v: z.literal(1), kind: noteKind, text: z.string().min(1).max(4_000) }),
  z.strictObject({
    v: z.literal(1),
    kind: z.literal("forwarded"),
    text: z.string().min(1).max(4_000),
    forwarded: z.strictObject({
      author: address,
      recipient: address,
      createdAt: z.number().int().min(0),
      kind: noteKind,
    }),
  }),
]);
export type OrderNotePlaintextV1 = z.infer<typeof orderNotePlaintextV1>;

export interface NoteKeyPair {
  secretKey: Uint8Array;
  /** x25519 public key, 0x + 64 lower-case hex (what a profile's `noteKey` holds). */
  publicKey: Hex;
}

/** The exact text a wallet signs (personal_sign) to derive its order-notes key on `network`. */
export function noteKeyMessage(network: string): string {
  if (!NETWORK_ID.test(network) || network.length > 64) {
    throw new RangeError(`network id must be 1-64 lower-case letters, digits and dashes: ${network}`);
  }
  return (
    "Stoa order notes key\n\n" +
    `Network: ${network}\n\n` +
    "Signing creates the key that encrypts and opens your order notes. It sends no transaction and costs nothing."
  );
}

/** The key pair derived from the wallet's signature of `noteKeyMessage(network)`. */
export function noteKeyFromSignature(signature: Hex): NoteKeyPair {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) {
    throw new RangeError("a note key comes from a 65-byte signature (0x and 130 hex digits)");
  }
  const secretKey = hkdf(sha256, fromHex(signature), undefined, KEY_INFO, 32);
  return { secretKey, publicKey: toHex(x25519.getPublicKey(secretKey)) };
}

interface NoteContext {
  chainId: number;
  orderId: string;
  author: string;
  recipient: string;
}

function associatedData({ chainId, orderId, author, recipient }: NoteContext, epk: Hex): Uint8Array {
  return utf8(
    canonicalJson({ chainId, orderId, author: author.toLowerCase(), recipient: recipient.toLowerCase(), epk }),
  );
}

function sealKey(shared: Uint8Array, epk: Uint8Array, recipientKey: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, concatBytes(epk, recipientKey), SEAL_INFO, 32);
}

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export interface SealOrderNoteParameters extends NoteContext {
  /** The recipient's published x25519 public key. */
  recipientKey: Hex;
  plaintext: OrderNotePlaintextV1;
  /** Randomness (tests); default the platform's CSPRNG. */
  random?: (length: number) => Uint8Array;
}

/** Seals `plaintext` to `recipientKey`: the body of an `order-note` record by `author`. */
export function sealOrderNote(parameters: SealOrderNoteParameters): OrderNoteV1 {
  const { chainId, orderId, author, recipient, recipientKey, plaintext, random = randomBytes } = parameters;
  const checked = orderNotePlaintextV1.safeParse(plaintext);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new InvalidRecordError(
      `note: ${issue.path.join(".") || "plaintext"}: ${issue.message}`,
      issue.path.join("."),
      issue.code,
    );
  }
  const message = utf8(canonicalJson(checked.data));
  if (message.length > MAX_NOTE_PLAINTEXT_BYTES) {
    throw new InvalidRecordError(
      `a note holds at most ${MAX_NOTE_PLAINTEXT_BYTES} bytes (this one ${message.length})`,
      "text",
      "too_big",
    );
  }
  const theirKey = fromHex(recipientKey);
  if (theirKey.length !== 32) throw new RangeError("recipientKey must be 32 bytes of hex");
  const ephemeral = random(32);
  const epkBytes = x25519.getPublicKey(ephemeral);
  const epk = toHex(epkBytes);
  const key = sealKey(x25519.getSharedSecret(ephemeral, theirKey), epkBytes, theirKey);
  const nonce = random(24);
  const context = { chainId, orderId, author, recipient };
  const ciphertext = xchacha20poly1305(key, nonce, associatedData(context, epk)).encrypt(message);
  return {
    chainId,
    orderId,
    recipient: recipient.toLowerCase(),
    epk,
    nonce: toHex(nonce),
    ciphertext: base64(ciphertext),
  };
}

/** Opens a note sealed to `secretKey`'s public key; anything else is a NoteDecryptError. */
export function openOrderNote({
  body,
  author,
  secretKey,
}: {
  body: OrderNoteV1;
  author: string;
  secretKey: Uint8Array;
}): OrderNotePlaintextV1 {
  let message: Uint8Array;
  try {
    const epkBytes = fromHex(body.epk);
    const ownKey = x25519.getPublicKey(secretKey);
    const key = sealKey(x25519.getSharedSecret(secretKey, epkBytes), epkBytes, ownKey);
    const context = { chainId: body.chainId, orderId: body.orderId, author, recipient: body.recipient };
    message = xchacha20poly1305(key, fromHex(body.nonce), associatedData(context, body.epk as Hex)).decrypt(
      fromBase64(body.ciphertext),
    );
  } catch {
    throw new NoteDecryptError();
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(message));
  } catch {
    throw new NoteDecryptError("the note opened, but it is not JSON");
  }
  const parsed = orderNotePlaintextV1.safeParse(value);
  if (!parsed.success) throw new NoteDecryptError("the note opened, but it is not an order note of version 1");
  return parsed.data;
}
