import type { ListingV1 } from "@stoa/protocol";
import type { ApiStoredRecord } from "@stoa/protocol/api";
import { requireSigning, type StoaBaseClient } from "../base.ts";
import { NotListingOwnerError } from "../errors.ts";
import { publishRecord, type PublishRecordReturnType } from "../records/publishRecord.ts";
import type { AppKey } from "../records/signRecord.ts";

export type UpdateListingParameters = {
  /** The listing's current version (from `getListing` or `searchListings`). */
  listing: ApiStoredRecord;
  /** The fields to change; `key` stays. */
  changes: Partial<Omit<ListingV1, "key">>;
  appKey?: AppKey;
};
export type UpdateListingReturnType = PublishRecordReturnType;

/**
 * Publishes a new version of one's own listing (same key): the node then answers it instead of
 * the old one. Orders already placed keep naming the version they bought. Another account's
 * listing is a NotListingOwnerError before anything is signed (a record under someone else's key
 * would be a listing of one's own, not an edit of theirs).
 */
export async function updateListing(
  client: StoaBaseClient,
  { listing, changes, appKey }: UpdateListingParameters,
): Promise<UpdateListingReturnType> {
  const author = appKey ? appKey.delegation.author : requireSigning(client, "updateListing").address;
  if (listing.type !== "listing") throw new TypeError(`record ${listing.id} is a ${listing.type}, not a listing`);
  if (author.toLowerCase() !== listing.author) throw new NotListingOwnerError(listing.id, listing.author, author);
  const current = listing.body as ListingV1;
  const body: ListingV1 = { ...current, ...changes, key: current.key };
  return publishRecord(client, { type: "listing", body, appKey });
}
