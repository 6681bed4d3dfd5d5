import { marketListingPageSchema, type ApiMarketListingPage } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../base.ts";
import { nodeJson } from "../http.ts";

export type SearchListingsParameters = {
  /** Words to find in titles (weighted x10) and descriptions. */
  q?: string;
  /** One category, or several (any of). */
  category?: string | string[];
  /** "ETH" or an ERC-20 address. */
  currency?: string;
  seller?: string;
  kind?: "physical" | "digital";
  /** Inclusive bounds, in the currency's smallest unit. */
  minPrice?: bigint | string;
  maxPrice?: bigint | string;
  /** Default: relevance with `q`, newest without. */
  sort?: "relevance" | "newest" | "oldest" | "price-asc" | "price-desc";
  /** 1-50, default 20. */
  limit?: number;
  /** `next` of the previous page of the same search. */
  cursor?: string;
  signal?: AbortSignal;
};
/** Up to `limit` current, active listings with their seller's rating, and `next` if there are more. */
export type SearchListingsReturnType = ApiMarketListingPage;

/**
 * Searches the node's listings index (GET /v1/market/listings). A bad parameter is a
 * StoaApiError 400 naming it (`query.minPrice`).
 */
export function searchListings(
  client: StoaBaseClient,
  { signal, ...search }: SearchListingsParameters = {},
): Promise<SearchListingsReturnType> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(search)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, String(one));
  }
  const query = params.size > 0 ? `?${params}` : "";
  return nodeJson(client, marketListingPageSchema, {
    path: `/v1/market/listings${query}`,
    signal,
    action: "searchListings",
  });
}
