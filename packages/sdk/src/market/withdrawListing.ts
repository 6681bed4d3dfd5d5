import type { StoaBaseClient } from "../base.ts";
import type { AppKey } from "../records/signRecord.ts";
import type { ApiStoredRecord } from "@stoa/protocol/api";
import { updateListing, type UpdateListingReturnType } from "./updateListing.ts";

export type WithdrawListingParameters = { listing: ApiStoredRecord; appKey?: AppKey };
export type WithdrawListingReturnType = UpdateListingReturnType;

/** Takes one's listing off sale (a new version with status "withdrawn"): searches no longer find it. */
export function withdrawListing(
  client: StoaBaseClient,
  { listing, appKey }: WithdrawListingParameters,
): Promise<WithdrawListingReturnType> {
  return updateListing(client, { listing, changes: { status: "withdrawn" }, appKey });
}
