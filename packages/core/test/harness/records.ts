/** Signed test records from real keys (each wallet a fresh secp256k1 key). */
import {
  addressOfPrivateKey,
  buildRecord,
  randomPrivateKey,
  signBatch,
  signRecord,
  type AuthorBatch,
  type Hex,
  type ListingV1,
  type SignedRecord,
} from "@stoa/protocol";

export const NETWORK = "stoa-test";

export interface Wallet {
  key: Hex;
  address: Hex;
}

export function wallet(): Wallet {
  const key = randomPrivateKey();
  return { key, address: addressOfPrivateKey(key) };
}

const WORDS = ["bicycle", "lamp", "guitar", "camera", "desk", "kettle", "novel", "jacket", "drone", "chair"];

export function listingBody(i: number, overrides: Partial<ListingV1> = {}): ListingV1 {
  const word = WORDS[i % WORDS.length]!;
  return {
    key: `item-${i}`,
    title: `${word} number ${i}`,
    description: `A well kept ${word}, item ${i}.`,
    category: ["sports", "home", "music", "books"][i % 4]!,
    price: String(1_000_000 + i),
    currency: "ETH",
    kind: "physical",
    quantity: 1,
    images: [],
    status: "active",
    ...overrides,
  };
}

export function signedListing(w: Wallet, i: number, overrides: Partial<ListingV1> = {}): SignedRecord<"listing"> {
  return signRecord(NETWORK, buildRecord("listing", w.address, listingBody(i, overrides)), w.key);
}

/** One author batch of `count` listings numbered from `first`. */
export function listingBatch(w: Wallet, first: number, count: number): AuthorBatch {
  const now = Date.now();
  const items = Array.from({ length: count }, (_, i) => ({
    type: "listing" as const,
    v: 1,
    createdAt: now + i,
    body: listingBody(first + i),
  }));
  return signBatch(NETWORK, "listings", w.address, items, w.key, { createdAt: now });
}
