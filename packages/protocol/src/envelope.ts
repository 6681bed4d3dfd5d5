/**
 * The record envelope and the author batch, their EIP-712 types and digests.
 *
 * A record is `{ type, v, author, createdAt, body, delegation?, sig }`. It is signed as the
 * EIP-712 struct `Record(string type,uint16 v,address author,uint64 createdAt,string body,
 * address signer)` where `body` is the canonical JSON of the body and `signer` is the author,
 * or the app key its delegation authorises. Its id is that digest: signatures have several
 * encodings, the digest has one, and no one can write a record under another author's id.
 *
 * An author batch `{ type: "batch", author, createdAt, items, delegation?, sig }` carries many
 * records under one signature of `Batch(address author,uint64 createdAt,address signer,
 * Item[] items)`: one wallet prompt, one OrbitDB entry. Each item's id is the digest it would have
 * as a single record, so ids do not depend on how a record travelled.
 */
import { z } from "zod";
import type { Hex } from "./bytes.ts";
import { canonicalJson } from "./canonical-json.ts";
import { frozenTypes, typedDataDigest, type PrehashedString, type StoaDomain, type TypedTypes } from "./eip712.ts";
import { domainOf, familyOf, type Family } from "./families.ts";
import type { BodyOf, RecordType } from "./records/index.ts";
import { address } from "./records/fields.ts";

/** Most items in one author batch. */
export const MAX_BATCH_ITEMS = 256;
/** Most bytes of canonical body JSON in one author batch. */
export const MAX_BATCH_BODY_BYTES = 256 * 1024;
/** createdAt (ms since the epoch) must fall in 2020-2100. */
export const MIN_CREATED_AT = 1_577_836_800_000;
export const MAX_CREATED_AT = 4_102_444_800_000;

export const RECORD_TYPES_712: TypedTypes = frozenTypes({
  Record: [
    { name: "type", type: "string" },
    { name: "v", type: "uint16" },
    { name: "author", type: "address" },
    { name: "createdAt", type: "uint64" },
    { name: "body", type: "string" },
    { name: "signer", type: "address" },
  ],
});

export const BATCH_TYPES_712: TypedTypes = frozenTypes({
  Batch: [
    { name: "author", type: "address" },
    { name: "createdAt", type: "uint64" },
    { name: "signer", type: "address" },
    { name: "items", type: "Item[]" },
  ],
  Item: [
    { name: "type", type: "string" },
    { name: "v", type: "uint16" },
    { name: "createdAt", type: "uint64" },
    { name: "body", type: "string" },
  ],
});

export interface UnsignedRecord<T extends RecordType = RecordType> {
  type: T;
  v: number;
  author: Hex;
  createdAt: number;
  body: BodyOf<T>;
}

export interface SignedRecord<T extends RecordType = RecordType> extends UnsignedRecord<T> {
  /** Present when an app key signed: the author's delegation to it. */
  delegation?: SignedRecord<"delegation">;
  sig: Hex;
}

export type BatchItem<T extends RecordType = RecordType> = Omit<UnsignedRecord<T>, "author">;

export interface AuthorBatch<T extends RecordType = RecordType> {
  type: "batch";
  author: Hex;
  createdAt: number;
  items: BatchItem<T>[];
  delegation?: SignedRecord<"delegation">;
  sig: Hex;
}

export type Envelope = SignedRecord | AuthorBatch;

// ---------------------------------------------------------------- shapes (bodies are checked per type)

const createdAt = z.number().int().min(MIN_CREATED_AT).max(MAX_CREATED_AT);
const sig = z.string().regex(/^0x[0-9a-f]{130}$/, "must be a 65-byte lower-case hex signature");
const type = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "must be a record type");
const version = z.number().int().min(1).max(65_535);

export const delegationShape = z.strictObject({
  type: z.literal("delegation"),
  v: version,
  author: address,
  createdAt,
  body: z.unknown(),
  sig,
});

export const recordShape = z.strictObject({
  type,
  v: version,
  author: address,
  createdAt,
  body: z.unknown(),
  delegation: delegationShape.optional(),
  sig,
});

export const batchShape = z.strictObject({
  type: z.literal("batch"),
  author: address,
  createdAt,
  items: z
    .array(z.strictObject({ type, v: version, createdAt, body: z.unknown() }))
    .min(1)
    .max(MAX_BATCH_ITEMS),
  delegation: delegationShape.optional(),
  sig,
});

// ---------------------------------------------------------------- digests

/** The signer of a record or batch: the delegate of its delegation, or its author. */
export function signerOf(envelope: { author: Hex; delegation?: { body: unknown } }): Hex {
  if (!envelope.delegation) return envelope.author;
  return (envelope.delegation.body as { delegate: Hex }).delegate;
}

/** The EIP-712 digest (= id) of a record of `type` by `author` signed by `signer`. */
export function recordDigest(network: string, record: UnsignedRecord, signer: Hex = record.author): Hex {
  return recordDigestOf(network, record, signer, canonicalJson(record.body));
}

/** `recordDigest`, with the body given as its canonical JSON, or that JSON hashed already. */
export function recordDigestOf(
  network: string,
  record: Omit<UnsignedRecord, "body">,
  signer: Hex,
  body: string | PrehashedString,
): Hex {
  const { type, v, author, createdAt } = record;
  return typedDataDigest(domainOf(network, familyOf(type)), "Record", RECORD_TYPES_712, {
    type,
    v,
    author,
    createdAt,
    body,
    signer,
  });
}

/** The EIP-712 digest (= id) of an author batch in `family`. */
export function batchDigest(
  network: string,
  family: Family,
  batch: Omit<AuthorBatch, "type" | "sig" | "delegation">,
  signer: Hex = batch.author,
): Hex {
  return batchDigestOf(
    network,
    family,
    batch,
    signer,
    batch.items.map((item) => canonicalJson(item.body)),
  );
}

/**
 * `batchDigest`, with each item's body given as its canonical JSON, or that JSON hashed already:
 * a verifier hashes each body once for the batch's digest and the item's record id.
 */
export function batchDigestOf(
  network: string,
  family: Family,
  batch: Omit<AuthorBatch, "type" | "sig" | "delegation">,
  signer: Hex,
  bodies: readonly (string | PrehashedString)[],
): Hex {
  if (bodies.length !== batch.items.length) throw new RangeError("one body per batch item");
  return typedDataDigest(domainOf(network, family), "Batch", BATCH_TYPES_712, {
    author: batch.author,
    createdAt: batch.createdAt,
    signer,
    items: batch.items.map((item, i) => ({ type: item.type, v: item.v, createdAt: item.createdAt, body: bodies[i] })),
  });
}

/** The typed data a wallet signs (eth_signTypedData_v4) for a record. */
export function recordTypedData(network: string, record: UnsignedRecord, signer: Hex = record.author) {
  const domain: StoaDomain = domainOf(network, familyOf(record.type));
  return {
    domain,
    types: { EIP712Domain: DOMAIN_TYPES_FOR_WALLETS(), ...copied(RECORD_TYPES_712) },
    primaryType: "Record" as const,
    message: { ...record, body: canonicalJson(record.body), signer },
  };
}

/** The typed data a wallet signs (eth_signTypedData_v4) for an author batch in `family`. */
export function batchTypedData(
  network: string,
  family: Family,
  batch: Omit<AuthorBatch, "type" | "sig" | "delegation">,
  signer: Hex = batch.author,
) {
  return {
    domain: domainOf(network, family),
    types: { EIP712Domain: DOMAIN_TYPES_FOR_WALLETS(), ...copied(BATCH_TYPES_712) },
    primaryType: "Batch" as const,
    message: {
      author: batch.author,
      createdAt: batch.createdAt,
      signer,
      items: batch.items.map((item) => ({ ...item, body: canonicalJson(item.body) })),
    },
  };
}

const DOMAIN_TYPES_FOR_WALLETS = () => [
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "salt", type: "bytes32" },
];

/** A mutable copy of a frozen type set, for wallets and libraries that may change what they get. */
function copied(types: TypedTypes): Record<string, { name: string; type: string }[]> {
  return Object.fromEntries(Object.entries(types).map(([name, fields]) => [name, fields.map((f) => ({ ...f }))]));
}
