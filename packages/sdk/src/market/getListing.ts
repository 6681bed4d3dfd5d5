import { marketListingSchema, type ApiMarketListing } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../base.ts";
import { nodeJson } from "../http.ts";

export type GetListingParameters = { id: string; signal?: AbortSignal };
/** The listing version, `current` false if an edit or withdrawal replaced it, and the seller's rating. */
export type GetListingReturnType = ApiMarketListing;

/** One listing version by its record id (GET /v1/market/listings/:id); unknown: StoaApiError 404. */
export function getListing(
  client: StoaBaseClient,
  { id, signal }: GetListingParameters,
): Promise<GetListingReturnType> {
  return nodeJson(client, marketListingSchema, {
    path: `/v1/market/listings/${encodeURIComponent(id)}`,
    signal,
    action: "getListing",
  });
}
