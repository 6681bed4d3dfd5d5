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
 *
 * Everything here is part of the wire format: changing a label, the associated data or the key
 * derivation makes every published key and every stored note unreadable.
 */
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { z } from "zod";
import { concatBytes, fromHex, toHex, utf8, type Hex } from "../bytes.ts";
import { canonicalJson } from "../canonical-json.ts";
import { MAX_CREATED_AT, MIN_CREATED_AT } from "../envelope.ts";
import { InvalidRecordError, NoteDecryptError, SignatureError } from "../errors.ts";
import { NETWORK_ID } from "../families.ts";
import { address, chainId, uintString } from "../records/fields.ts";
import type { OrderNoteV1 } from "../records/order-note.ts";

/**
 * Most bytes of a plaintext's canonical JSON. Sealed, 8,192 bytes become 8,208 (Poly1305 tag),
 * 10,944 characters of base64: within the record's 11,000.
 */
export const MAX_NOTE_PLAINTEXT_BYTES = 8_192;
const KEY_INFO = utf8("stoa/order-notes/key/v1");
const SEAL_INFO = utf8("stoa/order-notes/v1");

const noteKind = z.enum(["message", "shipping", "shipped"]);
const noteText = z.string().min(1).max(4_000);

/**
 * What a note says, once opened. A `forwarded` note re-encrypts an earlier note to the arbiter in
 * a dispute, and says who wrote it to whom, when (ms) and of what kind.
 */
export const orderNotePlaintextV1 = z.discriminatedUnion("kind", [
  z.strictObject({ v: z.literal(1), kind: noteKind, text: noteText }),
  z.strictObject({
    v: z.literal(1),
    kind: z.literal("forwarded"),
    text: noteText,
    forwarded: z.strictObject({
      author: address,
      recipient: address,
      createdAt: z.number().int().min(MIN_CREATED_AT).max(MAX_CREATED_AT),
      kind: noteKind,
    }),
  }),
]);
export type OrderNotePlaintextV1 = z.infer<typeof orderNotePlaintextV1>;

/** Where a note belongs: the associated data of its cipher. Addresses in lower case. */
const noteContext = z.strictObject({ chainId, orderId: uintString, author: address, recipient: address });
type NoteContext = z.infer<typeof noteContext>;

export interface NoteKeyPair {
  /** x25519 secret key, 32 bytes. Never leaves the device. */
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

/**
 * The key pair derived from the wallet's signature (65 bytes, r || s || v) of
 * `noteKeyMessage(network)`. A v of 0 or 1 counts as 27 or 28, so that wallets that encode v
 * either way derive the same key. SignatureError when the signature is not 65 bytes of hex.
 */
export function noteKeyFromSignature(signature: Hex): NoteKeyPair {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) {
    throw new SignatureError("a note key comes from a 65-byte signature (0x and 130 hex digits)", "signature");
  }
  const bytes = fromHex(signature);
  const v = bytes[64]!;
  if (v === 0 || v === 1) bytes[64] = v + 27;
  else if (v !== 27 && v !== 28) throw new SignatureError("signature v must be 0, 1, 27 or 28", "signature");
  const secretKey = hkdf(sha256, bytes, undefined, KEY_INFO, 32);
  return { secretKey, publicKey: toHex(x25519.getPublicKey(secretKey)) };
}

function associatedData({ chainId, orderId, author, recipient }: NoteContext, epk: Hex): Uint8Array {
  return utf8(canonicalJson({ chainId, orderId, author, recipient, epk }));
}

function sealKey(shared: Uint8Array, epk: Uint8Array, recipientKey: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, concatBytes(epk, recipientKey), SEAL_INFO, 32);
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** Throws the first issue of a zod error as an InvalidRecordError on `prefix.path`. */
function invalid(error: z.ZodError, prefix: string): never {
  const issue = error.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "plaintext";
  throw new InvalidRecordError(`note ${field}: ${issue.message}`, field, issue.code);
}

export interface SealOrderNoteParameters {
  chainId: number;
  /** The on-chain order id, a decimal string. */
  orderId: string;
  /** Who will sign the `order-note` record (any case). */
  author: string;
  /** Whom the note is for (any case); the body carries it in lower case. */
  recipient: string;
  /** The recipient's published x25519 public key (its profile's `noteKey`). */
  recipientKey: Hex;
  plaintext: OrderNotePlaintextV1;
  /** Source of random bytes (tests); default the platform's CSPRNG (crypto.getRandomValues). */
  random?: (length: number) => Uint8Array;
}

/**
 * Seals `plaintext` to `recipientKey`: the body of an `order-note` record that `author` signs.
 * InvalidRecordError, before anything is encrypted, when the context or the plaintext is out of
 * its schema or the plaintext's canonical JSON is over MAX_NOTE_PLAINTEXT_BYTES.
 */
export function sealOrderNote(parameters: SealOrderNoteParameters): OrderNoteV1 {
  const { recipientKey, plaintext, random = randomBytes } = parameters;
  const context = noteContext.safeParse({
    chainId: parameters.chainId,
    orderId: parameters.orderId,
    author: parameters.author.toLowerCase(),
    recipient: parameters.recipient.toLowerCase(),
  });
  if (!context.success) invalid(context.error, "");
  const checked = orderNotePlaintextV1.safeParse(plaintext);
  if (!checked.success) invalid(checked.error, "plaintext");
  const message = utf8(canonicalJson(checked.data));
  if (message.length > MAX_NOTE_PLAINTEXT_BYTES) {
    throw new InvalidRecordError(
      `a note holds at most ${MAX_NOTE_PLAINTEXT_BYTES} bytes of canonical JSON; this one is ${message.length}`,
      "plaintext",
      "size",
    );
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(recipientKey)) {
    throw new RangeError("recipientKey must be an x25519 public key (0x and 64 hex digits)");
  }
  const theirKey = fromHex(recipientKey);
  const ephemeral = random(32);
  const epkBytes = x25519.getPublicKey(ephemeral);
  const epk = toHex(epkBytes);
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(ephemeral, theirKey);
  } catch {
    throw new RangeError("recipientKey is not a usable x25519 public key (low order)");
  }
  const nonce = random(24);
  const aad = associatedData(context.data, epk);
  const ciphertext = xchacha20poly1305(sealKey(shared, epkBytes, theirKey), nonce, aad).encrypt(message);
  const { chainId, orderId, recipient } = context.data;
  return { chainId, orderId, recipient, epk, nonce: toHex(nonce), ciphertext: toBase64(ciphertext) };
}

export interface OpenOrderNoteParameters {
  /** The `order-note` record's body. */
  body: OrderNoteV1;
  /** The record's author (any case): the note opens only under the author it was sealed for. */
  author: string;
  /** The recipient's x25519 secret key (NoteKeyPair.secretKey). */
  secretKey: Uint8Array;
}

/**
 * Opens a note sealed to `secretKey`'s public key and returns its checked plaintext.
 * NoteDecryptError (rule "sealed") when it is not addressed to this key, not under this author,
 * chain, order or recipient, or altered; NoteDecryptError (rule "plaintext") when it opens but
 * does not hold a version 1 order note.
 */
export function openOrderNote({ body, author, secretKey }: OpenOrderNoteParameters): OrderNotePlaintextV1 {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) {
    throw new RangeError("secretKey must be 32 bytes (an x25519 secret key)");
  }
  let message: Uint8Array;
  try {
    const epkBytes = fromHex(body.epk);
    const ownKey = x25519.getPublicKey(secretKey);
    const key = sealKey(x25519.getSharedSecret(secretKey, epkBytes), epkBytes, ownKey);
    const context = {
      chainId: body.chainId,
      orderId: body.orderId,
      author: author.toLowerCase(),
      recipient: body.recipient,
    };
    const aad = associatedData(context, body.epk as Hex);
    message = xchacha20poly1305(key, fromHex(body.nonce), aad).decrypt(fromBase64(body.ciphertext));
  } catch {
    throw new NoteDecryptError();
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(message));
  } catch {
    throw new NoteDecryptError("the note opened, but it does not hold JSON text", "plaintext");
  }
  const parsed = orderNotePlaintextV1.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = ["plaintext", ...issue.path.map(String)].join(".");
    throw new NoteDecryptError(
      `the note opened, but it is not a version 1 order note (${field}: ${issue.code})`,
      "plaintext",
    );
  }
  return parsed.data;
}
