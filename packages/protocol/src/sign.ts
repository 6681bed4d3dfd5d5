/**
 * Building and signing records with a private key: app keys (delegated) and tests. Wallets sign
 * the typed data from `recordTypedData` / `batchTypedData` instead, and `withSignature` attaches
 * what they return.
 */
import type { Hex } from "./bytes.ts";
import {
  batchDigest,
  recordDigest,
  type AuthorBatch,
  type BatchItem,
  type SignedRecord,
  type UnsignedRecord,
} from "./envelope.ts";
import type { Family } from "./families.ts";
import { addressOfPrivateKey, signDigest } from "./keys.ts";
import type { BodyOf, RecordType } from "./records/index.ts";

/** The latest schema version of each type (what new records are written with). */
export const CURRENT_VERSION = 1;

/** An unsigned record of `type` by `author`, created now unless `createdAt` is given. */
export function buildRecord<T extends RecordType>(
  type: T,
  author: Hex,
  body: BodyOf<T>,
  createdAt = Date.now(),
): UnsignedRecord<T> {
  return { type, v: CURRENT_VERSION, author: author.toLowerCase() as Hex, createdAt, body };
}

/** Attaches a wallet's signature (and the delegation, if an app key signed). */
export function withSignature<T extends RecordType>(
  record: UnsignedRecord<T>,
  sig: Hex,
  delegation?: SignedRecord<"delegation">,
): SignedRecord<T> {
  return { ...record, ...(delegation ? { delegation } : {}), sig: sig.toLowerCase() as Hex };
}

/**
 * Signs `record` with `privateKey`: the author's own key, or, with `delegation`, an app key the
 * author delegated to.
 */
export function signRecord<T extends RecordType>(
  network: string,
  record: UnsignedRecord<T>,
  privateKey: Hex,
  delegation?: SignedRecord<"delegation">,
): SignedRecord<T> {
  const signer = addressOfPrivateKey(privateKey);
  return withSignature(record, signDigest(recordDigest(network, record, signer), privateKey), delegation);
}

/** Signs many records of one family as one author batch (one signature, one entry). */
export function signBatch(
  network: string,
  family: Family,
  author: Hex,
  items: BatchItem[],
  privateKey: Hex,
  options: { delegation?: SignedRecord<"delegation">; createdAt?: number } = {},
): AuthorBatch {
  const batch = { author: author.toLowerCase() as Hex, createdAt: options.createdAt ?? Date.now(), items };
  const signer = addressOfPrivateKey(privateKey);
  const sig = signDigest(batchDigest(network, family, batch, signer), privateKey);
  return { type: "batch", ...batch, ...(options.delegation ? { delegation: options.delegation } : {}), sig };
}

/**
 * The author (signing with `authorKey`) delegates record types `scope` to the app key at
 * `delegate` until `expiresAt` (ms).
 */
export function delegate(
  network: string,
  authorKey: Hex,
  delegateAddress: Hex,
  scope: RecordType[],
  expiresAt: number,
  createdAt = Date.now(),
): SignedRecord<"delegation"> {
  const author = addressOfPrivateKey(authorKey);
  const record = buildRecord(
    "delegation",
    author,
    { delegate: delegateAddress.toLowerCase(), scope, expiresAt },
    createdAt,
  );
  return signRecord(network, record, authorKey);
}
