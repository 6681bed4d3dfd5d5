/**
 * The benchmark's listings: a synthetic marketplace (Zipf vocabulary of 3,000 words, 30 skewed
 * categories, prices over 6 orders of magnitude, 3% withdrawn), the same shape as the index
 * bench's, signed for real by a fixed set of seller wallets. Listing `i` is the same body in every
 * run; signatures differ only by `createdAt` (records are dated when they are signed, so that
 * gossip's freshness window accepts them).
 */
import { createHash } from "node:crypto";
import {
  addressOfPrivateKey,
  buildRecord,
  signBatch,
  signRecord,
  type AuthorBatch,
  type Hex,
  type ListingV1,
  type SignedRecord,
} from "@stoa/protocol";

export const NETWORK = "stoa-bench";
export const CATEGORIES = Array.from({ length: 30 }, (_, i) => `category-${i}`);
const VOCABULARY = 3_000;

/** Mulberry32: a small seeded PRNG, so every run generates the same corpus. */
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

const syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "xe", "zu", "ba", "de", "fi", "go", "hu"];
export const WORDS = Array.from({ length: VOCABULARY }, (_, i) => {
  let word = "";
  for (let n = i + 15; n > 0; n = Math.floor(n / 15)) word += syllables[n % 15];
  return word;
});
const cumulative: number[] = [];
WORDS.reduce((sum, _, i) => (cumulative[i] = sum + 1 / (i + 1)), 0);

function zipfWord(random: () => number): string {
  const x = random() * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return WORDS[lo]!;
}

/** The body of listing `i` (deterministic). */
export function listingBody(i: number): ListingV1 {
  const random = prng(i * 7919 + 1);
  const phrase = (min: number, max: number) =>
    Array.from({ length: min + Math.floor(random() * (max - min + 1)) }, () => zipfWord(random)).join(" ");
  return {
    key: `item-${i}`,
    title: phrase(3, 8),
    description: phrase(15, 40),
    category: CATEGORIES[Math.floor(random() ** 1.5 * CATEGORIES.length)]!,
    price: String(Math.floor(10 ** (2 + random() * 6))),
    currency: "ETH",
    kind: random() < 0.8 ? "physical" : "digital",
    quantity: 1,
    images: [],
    status: random() < 0.03 ? "withdrawn" : "active",
  };
}

export interface Wallet {
  key: Hex;
  address: Hex;
}

/** Seller wallet `n` of a named set (deterministic keys, so authors are the same in every run). */
export function seller(set: string, n: number): Wallet {
  const key = `0x${createHash("sha256").update(`stoa-bench:${set}:${n}`).digest("hex")}` as const;
  return { key, address: addressOfPrivateKey(key) };
}

/** Listing `i` as a single record signed by `wallet`. */
export function signedListing(wallet: Wallet, i: number, createdAt = Date.now()): SignedRecord<"listing"> {
  return signRecord(NETWORK, buildRecord("listing", wallet.address, listingBody(i), createdAt), wallet.key);
}

/** Listings `first`..`first + count - 1` as one author batch signed by `wallet`. */
export function listingBatch(wallet: Wallet, first: number, count: number, createdAt = Date.now()): AuthorBatch {
  const items = Array.from({ length: count }, (_, k) => ({
    type: "listing" as const,
    v: 1,
    createdAt: createdAt + k,
    body: listingBody(first + k),
  }));
  return signBatch(NETWORK, "listings", wallet.address, items, wallet.key, { createdAt });
}

/**
 * Hands out listing numbers and authors in order: envelope `k` is signed by seller `k mod
 * sellers` of the set, so authors rotate (each stays far below the listings quota and the
 * gossip's per-author rate).
 */
export class ListingSource {
  readonly set: string;
  readonly sellers: Wallet[];
  readonly first: number;
  #next: number;
  #envelopes = 0;

  /** `sellers` wallets of the named set; listing numbers start at `first`. */
  constructor(set: string, sellers: number, first = 0) {
    this.set = set;
    this.sellers = Array.from({ length: sellers }, (_, n) => seller(set, n));
    this.first = first;
    this.#next = first;
  }

  /** Listings handed out so far. */
  get used(): number {
    return this.#next - this.first;
  }

  /** The numbers of the listings handed out so far. */
  numbers(): number[] {
    return Array.from({ length: this.used }, (_, k) => this.first + k);
  }

  /** `count` envelopes of `size` listings each (size 1: single records, otherwise author batches). */
  envelopes(count: number, size: number): (SignedRecord | AuthorBatch)[] {
    const out: (SignedRecord | AuthorBatch)[] = [];
    for (let n = 0; n < count; n++) {
      const wallet = this.sellers[this.#envelopes++ % this.sellers.length]!;
      out.push(size === 1 ? signedListing(wallet, this.#next) : listingBatch(wallet, this.#next, size));
      this.#next += size;
    }
    return out;
  }
}
