/**
 * The marketplace over the API: listings with their seller's rating, a seller's reviews that the
 * chain backs, and orders joined to the listing version they bought.
 */
import { z } from "zod";
import { orderSchema } from "./chain.ts";
import { storedRecordSchema } from "./records.ts";

export const ratingSchema = z
  .object({
    count: z.number().int().describe("Reviews backed by a settled order on chain"),
    average: z.number().nullable().describe("Mean of their ratings (1-5), null without reviews"),
  })
  .meta({ id: "SellerRating" });

export const marketListingSchema = storedRecordSchema
  .extend({ sellerRating: ratingSchema })
  .meta({ id: "MarketListing" });

export const marketListingPageSchema = z
  .object({
    items: z.array(marketListingSchema),
    next: z.string().optional().describe("Cursor of the next page, if there is one"),
  })
  .meta({ id: "MarketListingPage" });

export const sellerReviewsSchema = z
  .object({
    seller: z.string(),
    rating: ratingSchema,
    reviews: z.array(storedRecordSchema).describe("Newest first; only those a settled order backs"),
    hidden: z.number().int().describe("Reviews on this node that no settled order backs (not counted)"),
  })
  .meta({ id: "SellerReviews" });

export const marketOrderSchema = orderSchema
  .extend({
    listing: storedRecordSchema
      .nullable()
      .describe("The listing version the order names (listingHash = its record id); null if this node lacks it"),
  })
  .meta({ id: "MarketOrder" });

export const marketOrdersSchema = z.object({ orders: z.array(marketOrderSchema) }).meta({ id: "MarketOrders" });

export type ApiSellerRating = z.output<typeof ratingSchema>;
export type ApiMarketListing = z.output<typeof marketListingSchema>;
export type ApiMarketListingPage = z.output<typeof marketListingPageSchema>;
export type ApiSellerReviews = z.output<typeof sellerReviewsSchema>;
export type ApiMarketOrder = z.output<typeof marketOrderSchema>;
