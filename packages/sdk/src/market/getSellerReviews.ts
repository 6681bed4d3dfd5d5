import { sellerReviewsSchema, type ApiSellerReviews } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../base.ts";
import { nodeJson } from "../http.ts";

export type GetSellerReviewsParameters = { seller: string; limit?: number; signal?: AbortSignal };
/** The rating, the newest reviews, and how many reviews no settled order backs (not counted). */
export type GetSellerReviewsReturnType = ApiSellerReviews;

/** A seller's reviews that settled orders back, and their rating (GET /v1/market/sellers/:address/reviews). */
export function getSellerReviews(
  client: StoaBaseClient,
  { seller, limit, signal }: GetSellerReviewsParameters,
): Promise<GetSellerReviewsReturnType> {
  const query = limit === undefined ? "" : `?limit=${limit}`;
  return nodeJson(client, sellerReviewsSchema, {
    path: `/v1/market/sellers/${encodeURIComponent(seller)}/reviews${query}`,
    signal,
    action: "getSellerReviews",
  });
}
