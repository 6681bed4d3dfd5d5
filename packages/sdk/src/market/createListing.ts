import type { ListingV1 } from "@stoa/protocol";
import type { StoaBaseClient } from "../base.ts";
import { publishRecord, type PublishRecordReturnType } from "../records/publishRecord.ts";
import type { AppKey } from "../records/signRecord.ts";

export type CreateListingParameters = Omit<ListingV1, "key" | "status" | "images" | "quantity"> & {
  /** Identifies the listing across edits; default a random one. */
  key?: string;
  /** CIDs of images added with `addContent` (at most 10). */
  images?: string[];
  /** Default 1. */
  quantity?: number;
  appKey?: AppKey;
};
/** The listing as stored: its `id` is this version's record id, which a buyer's order names. */
export type CreateListingReturnType = PublishRecordReturnType;

/**
 * Puts something on sale: signs an active `listing` record and writes it to the node (needs a
 * session). Prices are in the currency's smallest unit (wei for "ETH", token units for an ERC-20).
 */
export function createListing(
  client: StoaBaseClient,
  { key, images = [], quantity = 1, appKey, ...fields }: CreateListingParameters,
): Promise<CreateListingReturnType> {
  const body: ListingV1 = { ...fields, key: key ?? randomKey(), images, quantity, status: "active" };
  return publishRecord(client, { type: "listing", body, appKey });
}

function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `l-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
