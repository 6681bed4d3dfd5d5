import { addressOfPrivateKey, randomPrivateKey, type Hex, type ListingV1 } from "../src/index.ts";

export const NETWORK = "stoa-test";

export function account(): { key: Hex; address: Hex } {
  const key = randomPrivateKey();
  return { key, address: addressOfPrivateKey(key) };
}

export function listing(overrides: Partial<ListingV1> = {}): ListingV1 {
  return {
    key: "bike-1",
    title: "Road bike",
    description: "Steel frame, 56 cm.",
    category: "sports",
    price: "250000000000000000",
    currency: "ETH",
    kind: "physical",
    quantity: 1,
    images: [],
    status: "active",
    ...overrides,
  };
}

/** Returns the thrown error (or fails if `fn` does not throw). */
export function thrown(fn: () => unknown): Error & { field?: string; rule?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { field?: string; rule?: string };
  }
  throw new Error("expected an error");
}
