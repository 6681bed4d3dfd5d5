/**
 * The index of each record family: its columns, filters, text, sorts, covering indexes and
 * quota. Every family also has, built in: `author` and `type` filters, the newest/oldest feed,
 * the author feed, and versions by key.
 */
import type { Family } from "@stoa/protocol";
import type { IndexSpec, SortSpec } from "./spec.ts";

const byTime: Record<"newest" | "oldest", SortSpec> = {
  newest: { direction: "desc" },
  oldest: { direction: "asc" },
};

export const listingsIndex: IndexSpec = {
  family: "listings",
  columns: {
    category: { from: "$.category", type: "text", filters: ["eq", "in"] },
    price: { from: "$.price", type: "uint256", filters: ["eq", "range"] },
    currency: { from: "$.currency", type: "text", filters: ["eq", "in"] },
    kind: { from: "$.kind", type: "text", filters: ["eq"] },
    status: { from: "$.status", type: "text", filters: ["eq", "in"] },
    seller: { from: "author", type: "text", filters: ["eq"] },
    key: { from: "key", type: "text", filters: ["eq"] },
  },
  text: { title: { from: "$.title", weight: 10 }, description: { from: "$.description", weight: 1 } },
  facets: ["category"],
  sorts: {
    ...byTime,
    "price-asc": { column: "price", direction: "asc" },
    "price-desc": { column: "price", direction: "desc" },
  },
  defaultSort: "newest",
  indexes: [
    // category + price range, newest first: the price is checked in the index (measured best).
    { on: ["category"], include: ["price", "currency"] },
    // A (category, price) index must not serve that shape (the planner picked it, 8-25x slower):
    // the query builder names the index it wants.
    { on: ["category", "price"] },
    { on: ["price"] },
  ],
  unlisted: { column: "status", values: ["withdrawn"] },
  quota: 1_000,
};

export const profilesIndex: IndexSpec = {
  family: "profiles",
  columns: {
    name: { from: "$.name", type: "text", filters: ["eq"] },
  },
  text: { name: { from: "$.name", weight: 10 }, bio: { from: "$.bio", weight: 1 } },
  sorts: byTime,
  defaultSort: "newest",
  indexes: [{ on: ["name"] }],
};

export const delegationsIndex: IndexSpec = {
  family: "delegations",
  columns: {
    delegate: { from: "$.delegate", type: "text", filters: ["eq"] },
    expiresAt: { from: "$.expiresAt", type: "integer", filters: ["eq", "range"] },
  },
  sorts: byTime,
  defaultSort: "newest",
  indexes: [{ on: ["delegate"] }],
};

export const orderNotesIndex: IndexSpec = {
  family: "orderNotes",
  columns: {
    orderId: { from: "$.orderId", type: "text", filters: ["eq"] },
    chainId: { from: "$.chainId", type: "integer", filters: ["eq"] },
    recipient: { from: "$.recipient", type: "text", filters: ["eq"] },
  },
  sorts: byTime,
  defaultSort: "newest",
  indexes: [{ on: ["recipient"] }, { on: ["orderId"] }],
  quota: 10_000,
};

export const reviewsIndex: IndexSpec = {
  family: "reviews",
  columns: {
    seller: { from: "$.seller", type: "text", filters: ["eq"] },
    orderId: { from: "$.orderId", type: "text", filters: ["eq"] },
    chainId: { from: "$.chainId", type: "integer", filters: ["eq"] },
    marketplace: { from: "$.marketplace", type: "text", filters: ["eq"] },
    rating: { from: "$.rating", type: "integer", filters: ["eq", "in", "range"] },
  },
  text: { text: { from: "$.text", weight: 1 } },
  sorts: byTime,
  defaultSort: "newest",
  indexes: [{ on: ["seller"], include: ["rating"] }, { on: ["orderId"] }],
};

/** Polls and their votes (one family): polls by window and text, votes by poll. */
export const pollsIndex: IndexSpec = {
  family: "polls",
  columns: {
    pollId: { from: "$.pollId", type: "text", filters: ["eq"] },
    start: { from: "$.start", type: "integer", filters: ["eq", "range"] },
    end: { from: "$.end", type: "integer", filters: ["eq", "range"] },
    system: { from: "$.system", type: "text", filters: ["eq", "in"] },
  },
  text: { title: { from: "$.title", weight: 10 }, body: { from: "$.body", weight: 1 } },
  sorts: byTime,
  defaultSort: "newest",
  // A poll's votes; polls by state (start range for upcoming and active, end range for ended).
  indexes: [{ on: ["pollId"] }, { on: ["type"], include: ["start", "end"] }],
  quota: 10_000,
};

export const INDEX_SPECS: Readonly<Record<Family, IndexSpec>> = {
  profiles: profilesIndex,
  delegations: delegationsIndex,
  listings: listingsIndex,
  orderNotes: orderNotesIndex,
  reviews: reviewsIndex,
  polls: pollsIndex,
};

/** The index spec of `family`. */
export function indexSpecOf(family: Family): IndexSpec {
  return INDEX_SPECS[family];
}
