import { addressOfPrivateKey, randomPrivateKey, type Hex, type ListingV1, type PollV1 } from "../src/index.ts";

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

/** A start time for test polls (unix seconds, 2027). */
export const T0 = 1_800_000_000;

export function poll(overrides: Partial<PollV1> = {}): PollV1 {
  return {
    chainId: 31337,
    token: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
    title: "Lower the marketplace fee to 1%?",
    body: "## Why\nSellers asked for it.",
    choices: ["Yes", "No", "Abstain"],
    system: "single",
    start: T0,
    end: T0 + 3 * 86_400,
    snapshot: T0 - 60,
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
