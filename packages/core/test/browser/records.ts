/**
 * Signed listings for the browser engine test: the same records, in the same order, on every run
 * (fixed keys and times), so that both engines and every run index exactly the same thing.
 */
import { addressOfPrivateKey, buildRecord, signBatch, signRecord, type Hex } from "@stoa/protocol";
import type { IngestEntry, RecordQuery } from "../../src/index/record-index.ts";
import { listingBody, NETWORK, prng, signedEntry, T0 } from "../index/fixtures.ts";

const WORDS = ["bicycle", "vintage", "camera", "lens", "guitar", "amplifier", "garden", "chair", "table", "lamp"];
const MORE_WORDS = ["novel", "atlas", "kayak", "tent", "drone", "piano", "poster", "watch", "helmet", "stool"];
const CATEGORIES = ["bikes", "books", "cameras", "garden", "music"];

export const SELLERS = Array.from({ length: 8 }, (_, i) => {
  const key: Hex = `0x${(i + 1).toString(16).padStart(64, "0")}`;
  return { key, address: addressOfPrivateKey(key) };
});

function body(i: number, random: () => number) {
  const pick = (words: readonly string[]) => words[Math.floor(random() * words.length)]!;
  const title = [pick(WORDS), pick(random() < 0.5 ? WORDS : MORE_WORDS)].join(" ");
  // "condition" is in most descriptions: a very common word, ranked differently (see text.ts).
  const description = [pick(MORE_WORDS), random() < 0.8 ? "good condition" : "like new", pick(WORDS), pick(MORE_WORDS)];
  return listingBody(i, {
    title: `${title} ${i}`,
    description: description.join(" "),
    category: pick(CATEGORIES),
    price: String(Math.floor(random() * 1_000_000)),
    status: i % 37 === 0 ? "withdrawn" : "active",
  });
}

/**
 * `bulk`: 1,000 records in 204 entries (4 author batches of 200, then 200 single records), for one
 * ingestMany. `single`: 50 more single records, ingested one entry at a time.
 */
export function signedListings(): { bulk: IngestEntry[]; single: IngestEntry[] } {
  const random = prng(42);
  const bulk: IngestEntry[] = [];
  let i = 0;
  for (const seller of SELLERS.slice(0, 4)) {
    const items = Array.from({ length: 200 }, () => {
      i++;
      return { type: "listing" as const, v: 1, createdAt: T0 + i * 1000, body: body(i, random) };
    });
    const batch = signBatch(NETWORK, "listings", seller.address, items, seller.key, { createdAt: T0 + i * 1000 });
    bulk.push(signedEntry("listings", batch));
  }
  const singles = (count: number) =>
    Array.from({ length: count }, () => {
      i++;
      const seller = SELLERS[4 + (i % 4)]!;
      const record = buildRecord("listing", seller.address, body(i, random), T0 + i * 1000);
      return signedEntry("listings", signRecord(NETWORK, record, seller.key));
    });
  bulk.push(...singles(200));
  return { bulk, single: singles(50) };
}

/** The queries both engines answer, every page of each (limit 20), compared id for id. */
export const QUERIES: [string, RecordQuery][] = [
  ["newest first", {}],
  ["category", { filters: { category: "bikes" } }],
  [
    "categories and a price range, cheapest first",
    { filters: { category: ["bikes", "music"], price: { gte: "200000", lte: "700000" } }, sort: "price-asc" },
  ],
  ["seller, oldest first", { filters: { seller: SELLERS[1]!.address }, sort: "oldest" }],
  ["withdrawn only", { filters: { status: "withdrawn" } }],
  ["text, one word (bm25)", { text: "kayak" }],
  ["text, two words (bm25)", { text: "vintage camera" }],
  ["text with a very common word and a facet", { text: "condition lamp", filters: { category: "garden" } }],
  ["text, very common word only", { text: "condition" }],
];

/** Queries timed on both engines (median of a first page of 20). */
export const TIMED_QUERIES: [string, RecordQuery][] = [
  ["filter category+price", QUERIES[2]![1]],
  ["text bm25 'vintage camera'", { text: "vintage camera" }],
  ["text+facet", QUERIES[7]![1]],
  ["newest page", {}],
];

export const BAD_QUERIES: RecordQuery[] = [
  { filters: { colour: "red" } },
  { filters: { price: "1.5" } },
  { cursor: "not-a-cursor" },
];
