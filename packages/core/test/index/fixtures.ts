/** Test fixtures for the local index: real node:sqlite files in a temp directory, records. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  addressOfPrivateKey,
  randomPrivateKey,
  verifyEnvelope,
  type Envelope,
  type Family,
  type Hex,
  type ListingV1,
  type RecordType,
  type VerifiedRecord,
} from "@stoa/protocol";
import type { SqlEngine } from "../../src/index/engine.ts";
import {
  RecordIndex,
  type RecordIndexOptions,
  type RecordQuery,
  type StoredRecord,
} from "../../src/index/record-index.ts";
import type { IndexSpec } from "../../src/index/spec.ts";
import { createNodeSqliteEngine } from "../../src/node/sqlite.ts";

export const NETWORK = "stoa-test";

/** A deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = prng(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const idRandom = prng(1234);
/** A fresh 32-byte hex id (records built directly, without signing, for bulk tests). */
export function randomId(): Hex {
  let s = "0x";
  for (let i = 0; i < 32; i++)
    s += Math.floor(idRandom() * 256)
      .toString(16)
      .padStart(2, "0");
  return s as Hex;
}

/** The address `0x000...n`. */
export function address(n: number): Hex {
  return `0x${n.toString(16).padStart(40, "0")}`;
}

export const T0 = 1_700_000_000_000;

/** A VerifiedRecord built directly (what verifyEnvelope would return), for bulk tests. */
export function record(
  type: RecordType,
  author: Hex,
  body: unknown,
  options: { createdAt?: number; key?: string; id?: Hex; signer?: Hex } = {},
): VerifiedRecord {
  const id = options.id ?? randomId();
  return {
    id,
    type,
    v: 1,
    author,
    signer: options.signer ?? author,
    createdAt: options.createdAt ?? T0,
    body,
    ...(options.key === undefined ? {} : { key: options.key }),
    envelopeId: id,
    index: 0,
  };
}

export function listingBody(i: number, overrides: Partial<ListingV1> = {}): ListingV1 {
  return {
    key: `item-${i}`,
    title: `Listing ${i}`,
    description: `Description of listing ${i}`,
    category: "misc",
    price: String(1000 + i),
    currency: "ETH",
    kind: "physical",
    quantity: 1,
    images: [],
    status: "active",
    ...overrides,
  };
}

/** A listing record (key from the body). */
export function listing(
  author: Hex,
  i: number,
  overrides: Partial<ListingV1> = {},
  createdAt = T0 + i,
): VerifiedRecord {
  const body = listingBody(i, overrides);
  return record("listing", author, body, { createdAt, key: body.key });
}

/** One entry per record, its hash derived from the record id. */
export function entriesOf(records: readonly VerifiedRecord[]) {
  return records.map((r) => ({ entryHash: `entry-${r.id.slice(2, 18)}`, records: [r] }));
}

/** Verifies a real signed envelope and returns it as an entry. */
export function signedEntry(family: Family, envelope: Envelope) {
  const verified = verifyEnvelope(NETWORK, family, envelope);
  return { entryHash: `zdpu${verified.id.slice(2, 40)}`, records: verified.records };
}

export function wallet() {
  const key = randomPrivateKey();
  return { key, address: addressOfPrivateKey(key) };
}

/** A temp directory of index files, removed by `cleanup`. */
export class IndexFiles {
  readonly dir = mkdtempSync(join(tmpdir(), "stoa-index-test-"));
  readonly #open: RecordIndex[] = [];
  #n = 0;

  /** A new file path in the directory. */
  path(name = `index-${this.#n++}`): string {
    return join(this.dir, `${name}.sqlite`);
  }

  async engine(path: string): Promise<SqlEngine> {
    return createNodeSqliteEngine(path);
  }

  /** Opens (or reopens) the index at `path` (a new file by default). */
  async open(spec: IndexSpec, options: RecordIndexOptions = {}, path = this.path()): Promise<RecordIndex> {
    const index = await RecordIndex.open(await createNodeSqliteEngine(path), spec, options);
    this.#open.push(index);
    return index;
  }

  async cleanup(): Promise<void> {
    for (const index of this.#open) await index.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Every page of `query` (with `limit`), concatenated, failing on a repeated id. */
export async function allPages(index: RecordIndex, query: RecordQuery, limit = 7): Promise<StoredRecord[]> {
  const items: StoredRecord[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const result = await index.query({ ...query, limit, ...(cursor ? { cursor } : {}) });
    items.push(...result.items);
    if (!result.next) break;
    cursor = result.next;
  }
  const ids = items.map((r) => r.id);
  if (new Set(ids).size !== ids.length) throw new Error("a record came twice across pages");
  return items;
}

/** The ids of every page of `query`, for comparing indexes. */
export async function idsOf(index: RecordIndex, query: RecordQuery, limit = 7): Promise<string[]> {
  return (await allPages(index, query, limit)).map((r) => r.id);
}

/** The error `promise` rejects with (fails if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { field?: string; rule?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { field?: string; rule?: string };
  }
  throw new Error("expected a rejection");
}
