/**
 * Verification of records and author batches. It needs nothing but the envelope: shape, every
 * body against its versioned schema and size limit, the family (database) the envelope was
 * written to, the signature (EIP-712 digest recovered with @noble/curves) and, for an app key,
 * the author's embedded delegation (scope and validity window checked against the record's own
 * `createdAt`). It is a pure function of its input: no clock, no network, no local policy, so that
 * every node decides the same. Revocations, deny lists and freshness belong to the caller.
 */
import type { z } from "zod";
import type { Hex } from "./bytes.ts";
import { canonicalJson } from "./canonical-json.ts";
import { PrehashedString } from "./eip712.ts";
import {
  batchDigestOf,
  batchShape,
  MAX_BATCH_BODY_BYTES,
  recordDigestOf,
  recordShape,
  type AuthorBatch,
  type Envelope,
  type SignedRecord,
} from "./envelope.ts";
import { DelegationError, InvalidRecordError, SignatureError } from "./errors.ts";
import { FAMILIES, type Family } from "./families.ts";
import { recoverSigner } from "./keys.ts";
import { isRecordType, RECORD_TYPES, type RecordType, type RecordTypeSpec } from "./records/index.ts";

/** A record proven valid, whether it came alone or in a batch. */
export interface VerifiedRecord {
  /** Its EIP-712 digest. */
  id: Hex;
  type: RecordType;
  v: number;
  author: Hex;
  createdAt: number;
  body: unknown;
  /** The author, or the app key that signed for it. */
  signer: Hex;
  /** Later versions by the same author under the same key replace earlier ones. */
  key?: string;
  /** The envelope it arrived in (its own id for a single record) and its place there. */
  envelopeId: Hex;
  index: number;
}

export interface VerifiedEnvelope {
  /** Id of the envelope: the record's digest, or the batch's. */
  id: Hex;
  author: Hex;
  signer: Hex;
  /** The delegation the signer used, if any. */
  delegation?: { delegate: Hex; createdAt: number; expiresAt: number };
  records: VerifiedRecord[];
}

function fail(error: z.ZodError, prefix: string): never {
  const issue = error.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
  throw new InvalidRecordError(`${field || "record"}: ${issue.message}`, field || "record", issue.code);
}

/** Checks `body` of a record of `type` version `v`; returns its key (if versioned) and canonical JSON. */
function checkBody(type: string, v: number, body: unknown, family: Family, field: string) {
  if (!isRecordType(type)) throw new InvalidRecordError(`unknown record type "${type}"`, `${field}type`, "type");
  if (!(FAMILIES[family].types as readonly string[]).includes(type)) {
    throw new InvalidRecordError(`a ${type} record does not belong in ${family}`, `${field}type`, "family");
  }
  const spec = RECORD_TYPES[type] as RecordTypeSpec;
  const schema = spec.versions[v];
  if (!schema) throw new InvalidRecordError(`${type} has no schema version ${v}`, `${field}v`, "version");
  const parsed = schema.safeParse(body);
  if (!parsed.success) fail(parsed.error, `${field}body`);
  const canonical = canonicalJson(body);
  const size = new TextEncoder().encode(canonical).length;
  if (size > spec.maxBodyBytes) {
    throw new InvalidRecordError(`${type} body is ${size} bytes, above ${spec.maxBodyBytes}`, `${field}body`, "size");
  }
  return { key: spec.keyOf?.(parsed.data), size, canonical };
}

/** Verifies an embedded delegation and that it covers `types` at `createdAt`s. */
function checkDelegation(
  network: string,
  author: Hex,
  delegation: SignedRecord<"delegation">,
  covered: { type: string; createdAt: number }[],
) {
  const { canonical } = checkBody("delegation", delegation.v, delegation.body, "delegations", "delegation.");
  const body = delegation.body;
  if (delegation.author !== author) throw new DelegationError("the delegation is by another account", "author");
  const digest = recordDigestOf(network, delegation, delegation.author, canonical);
  if (recoverSigner(digest, delegation.sig, "delegation.sig") !== author) {
    throw new SignatureError("the delegation is not signed by its author", "delegation.sig");
  }
  for (const { type, createdAt } of covered) {
    if (!body.scope.includes(type)) throw new DelegationError(`the delegation does not cover ${type}`, "scope");
    if (createdAt < delegation.createdAt)
      throw new DelegationError("record older than its delegation", "not-yet-valid");
    if (createdAt > body.expiresAt) throw new DelegationError("the delegation had expired", "expired");
  }
  return { delegate: body.delegate as Hex, createdAt: delegation.createdAt, expiresAt: body.expiresAt };
}

/** Verifies a single signed record written to `family` on `network`. */
export function verifyRecord(network: string, family: Family, value: unknown): VerifiedEnvelope {
  const shape = recordShape.safeParse(value);
  if (!shape.success) fail(shape.error, "");
  const record = shape.data as SignedRecord;
  const { key, canonical } = checkBody(record.type, record.v, record.body, family, "");
  if (record.type === "delegation" && record.delegation) {
    throw new DelegationError("a delegation must be signed by the wallet itself", "nested");
  }
  const delegation = record.delegation
    ? checkDelegation(network, record.author, record.delegation, [record])
    : undefined;
  const signer = delegation?.delegate ?? record.author;
  const id = recordDigestOf(network, record, signer, canonical);
  if (recoverSigner(id, record.sig) !== signer) throw new SignatureError(`the record is not signed by ${signer}`);
  const { type, v, author, createdAt, body } = record;
  return {
    id,
    author,
    signer,
    delegation,
    records: [{ id, type, v, author, createdAt, body, signer, key, envelopeId: id, index: 0 }],
  };
}

/** Verifies an author batch written to `family` on `network`. */
export function verifyBatch(network: string, family: Family, value: unknown): VerifiedEnvelope {
  const shape = batchShape.safeParse(value);
  if (!shape.success) fail(shape.error, "");
  const batch = shape.data as AuthorBatch;
  let total = 0;
  const checked = batch.items.map((item, i) => {
    if (item.type === "delegation" || item.type === "delegation-revocation") {
      throw new InvalidRecordError("delegations are signed one by one", `items.${i}.type`, "batch");
    }
    const body = checkBody(item.type, item.v, item.body, family, `items.${i}.`);
    total += body.size;
    return body;
  });
  if (total > MAX_BATCH_BODY_BYTES) {
    throw new InvalidRecordError(`batch bodies are ${total} bytes, above ${MAX_BATCH_BODY_BYTES}`, "items", "size");
  }
  const delegation = batch.delegation
    ? checkDelegation(network, batch.author, batch.delegation, batch.items)
    : undefined;
  const signer = delegation?.delegate ?? batch.author;
  // Each body is serialized and hashed once, for the batch's digest and for its record id.
  const bodies = checked.map((body) => new PrehashedString(body.canonical));
  const id = batchDigestOf(network, family, batch, signer, bodies);
  if (recoverSigner(id, batch.sig) !== signer) throw new SignatureError(`the batch is not signed by ${signer}`);
  const records = batch.items.map((item, index): VerifiedRecord => {
    return {
      id: recordDigestOf(network, { ...item, author: batch.author }, signer, bodies[index]!),
      type: item.type,
      v: item.v,
      author: batch.author,
      createdAt: item.createdAt,
      body: item.body,
      signer,
      key: checked[index]!.key,
      envelopeId: id,
      index,
    };
  });
  return { id, author: batch.author, signer, delegation, records };
}

/** Verifies a record or an author batch (by its `type`) written to `family` on `network`. */
export function verifyEnvelope(network: string, family: Family, value: unknown): VerifiedEnvelope {
  const isBatch = typeof value === "object" && value !== null && (value as { type?: unknown }).type === "batch";
  return isBatch ? verifyBatch(network, family, value) : verifyRecord(network, family, value);
}

export type { Envelope };
