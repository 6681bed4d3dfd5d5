/**
 * A prototype, for the profile only, of batch verification with EIP-712 hashing done once:
 * type hashes and domain separators computed once per process, and each item's canonical body
 * and its keccak shared by the batch digest and the item's record id. It must give the same
 * digests as @stoa/protocol (checked by `checkedBatchVerifier`); it measures what the proposal
 * would save, it is not used by any node.
 */
import {
  batchDigest,
  batchShape,
  canonicalJson,
  listingV1,
  recordDigest,
  recoverSigner,
  type AuthorBatch,
  type Family,
  type Hex,
} from "@stoa/protocol";
import { addressWord, concatBytes, keccak256, toHex, uintWord, utf8 } from "../../protocol/src/bytes.ts";
import { DOMAIN_TYPES, hashStruct, typeHash } from "../../protocol/src/eip712.ts";
import { BATCH_TYPES_712, RECORD_TYPES_712 } from "../../protocol/src/envelope.ts";
import { domainOf, familyOf } from "../../protocol/src/families.ts";

const RECORD = typeHash("Record", RECORD_TYPES_712);
const ITEM = typeHash("Item", BATCH_TYPES_712);
const BATCH = typeHash("Batch", BATCH_TYPES_712);
const separators = new Map<string, Uint8Array>();
const typeWords = new Map<string, Uint8Array>();

function separator(network: string, family: Family): Uint8Array {
  const key = `${network}/${family}`;
  let value = separators.get(key);
  if (!value) {
    value = hashStruct("EIP712Domain", DOMAIN_TYPES, domainOf(network, family) as unknown as Record<string, unknown>);
    separators.set(key, value);
  }
  return value;
}

function typeWord(type: string): Uint8Array {
  let value = typeWords.get(type);
  if (!value) typeWords.set(type, (value = keccak256(utf8(type))));
  return value;
}

const digest = (domain: Uint8Array, struct: Uint8Array): Hex =>
  toHex(keccak256(concatBytes(new Uint8Array([0x19, 0x01]), domain, struct)));

/** Record ids and batch digest of `batch`, hashing each body once. */
export function cachedBatchDigests(network: string, family: Family, batch: AuthorBatch) {
  const signer = batch.author;
  const itemHashes: Uint8Array[] = [];
  const ids: Hex[] = [];
  for (const item of batch.items) {
    const body = keccak256(utf8(canonicalJson(item.body)));
    const [type, v, createdAt] = [typeWord(item.type), uintWord(item.v), uintWord(item.createdAt)];
    itemHashes.push(keccak256(concatBytes(ITEM, type, v, createdAt, body)));
    const record = keccak256(
      concatBytes(RECORD, type, v, addressWord(batch.author), createdAt, body, addressWord(signer)),
    );
    ids.push(digest(separator(network, familyOf(item.type)), record));
  }
  const struct = keccak256(
    concatBytes(
      BATCH,
      addressWord(batch.author),
      uintWord(batch.createdAt),
      addressWord(signer),
      keccak256(concatBytes(...itemHashes)),
    ),
  );
  return { id: digest(separator(network, family), struct), ids };
}

/** The checks of verifyBatch for a batch of listings (no delegation), with cached hashing. */
export function cachedVerifyBatch(network: string, family: Family, batch: AuthorBatch): Hex[] {
  const shape = batchShape.safeParse(batch);
  if (!shape.success) throw new Error("batch shape");
  for (const item of batch.items) {
    if (!listingV1.safeParse(item.body).success) throw new Error("listing body");
  }
  const { id, ids } = cachedBatchDigests(network, family, batch);
  if (recoverSigner(id, batch.sig) !== batch.author) throw new Error("signature");
  return ids;
}

/** `cachedVerifyBatch`, after checking once that its digests equal the protocol's. */
export function checkedBatchVerifier(network: string, family: Family, sample: AuthorBatch) {
  const { id, ids } = cachedBatchDigests(network, family, sample);
  const expected = sample.items.map((item) => recordDigest(network, { ...item, author: sample.author }));
  if (id !== batchDigest(network, family, sample) || ids.some((x, i) => x !== expected[i])) {
    throw new Error("the cached digests differ from @stoa/protocol's");
  }
  return (batch: AuthorBatch) => cachedVerifyBatch(network, family, batch);
}
