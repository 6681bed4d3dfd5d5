/**
 * The marketplace: listing search with each seller's rating (answered by the listings index,
 * never by scanning the log), one listing, a seller's chain-backed reviews and rating, and
 * orders joined to the listing version they bought (the order's `listingHash` is that version's
 * record id). Writes go through the records routes (listings, order notes, reviews) and the
 * Marketplace contract; reviews are checked against the chain there (reviews.ts).
 */
import type { RecordQuery, StoredRecord } from "@stoa/core";
import type { ApiMarketOrder } from "@stoa/protocol/api";
import { z } from "zod";
import type { OrderView } from "../../chain/queries.ts";
import type { DaemonContext } from "../../context.ts";
import type { ApiApp } from "../app.ts";
import { accountParam, page, whole } from "../chain-schemas.ts";
import { ApiError, notFound } from "../errors.ts";
import { familyStore } from "../records.ts";
import {
  errors,
  marketListingPageSchema,
  marketListingSchema,
  marketOrderSchema,
  marketOrdersSchema,
  sellerReviewsSchema,
} from "../schemas.ts";
import type { ReviewBook } from "./reviews.ts";

const uint = z.string().regex(/^[0-9]{1,78}$/, "must be a whole number of the currency's smallest unit");
const oneOrMany = z
  .union([z.string().max(32), z.array(z.string().max(32)).max(50)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

const searchSchema = z.strictObject({
  q: z.string().max(200).optional().describe("Words to find in titles and descriptions"),
  category: oneOrMany.optional().describe("One category, or several (any of)"),
  currency: z
    .union([z.literal("ETH"), accountParam])
    .optional()
    .describe("ETH or an ERC-20 address"),
  seller: accountParam.optional(),
  kind: z.enum(["physical", "digital"]).optional(),
  minPrice: uint.optional(),
  maxPrice: uint.optional(),
  sort: z.enum(["relevance", "newest", "oldest", "price-asc", "price-desc"]).optional(),
  limit: z
    .string()
    .regex(/^[0-9]{1,2}$/, "must be a whole number")
    .transform(Number)
    .refine((n) => n >= 1 && n <= 50, "must be 1-50")
    .optional()
    .describe("1-50, default 20"),
  cursor: z.string().max(2048).optional(),
});

const ordersSchema = z.strictObject({
  buyer: accountParam.optional(),
  seller: accountParam.optional(),
  arbiter: accountParam.optional(),
  party: accountParam.optional().describe("Buyer or seller"),
  status: z.enum(["funded", "disputed", "settled"]).optional(),
  ...page,
});

function listingQuery(search: z.output<typeof searchSchema>): RecordQuery {
  const filters: NonNullable<RecordQuery["filters"]> = {};
  if (search.category) filters.category = search.category.length === 1 ? search.category[0]! : search.category;
  if (search.currency) filters.currency = search.currency;
  if (search.seller) filters.seller = search.seller;
  if (search.kind) filters.kind = search.kind;
  if (search.minPrice !== undefined || search.maxPrice !== undefined) {
    if (
      search.minPrice !== undefined &&
      search.maxPrice !== undefined &&
      BigInt(search.minPrice) > BigInt(search.maxPrice)
    ) {
      throw new ApiError(400, "bad-request", "minPrice is above maxPrice", { field: "query.minPrice" });
    }
    filters.price = {
      ...(search.minPrice === undefined ? {} : { gte: search.minPrice }),
      ...(search.maxPrice === undefined ? {} : { lte: search.maxPrice }),
    };
  }
  if (search.sort === "relevance" && !search.q) {
    throw new ApiError(400, "bad-request", "sort=relevance needs q (words to rank by)", { field: "query.sort" });
  }
  return {
    type: "listing",
    ...(Object.keys(filters).length > 0 ? { filters } : {}),
    ...(search.q ? { text: search.q } : {}),
    ...(search.sort ? { sort: search.sort } : {}),
    limit: search.limit ?? 20,
    ...(search.cursor ? { cursor: search.cursor } : {}),
  };
}

export function registerMarketApi(app: ApiApp, ctx: DaemonContext, reviews: ReviewBook): void {
  const withRatings = async (records: StoredRecord[]) => {
    const sellers = [...new Set(records.map((r) => r.author))];
    const ratings = new Map(await Promise.all(sellers.map(async (s) => [s, await reviews.rating(s)] as const)));
    return records.map((record) => ({ ...record, sellerRating: ratings.get(record.author)! }));
  };
  // The indexer's views are interfaces, which TypeScript will not match against the schemas'
  // open object types; the serializer checks every answer against its schema at run time anyway.
  const joined = async (orders: OrderView[]): Promise<ApiMarketOrder[]> => {
    const listings = familyStore(ctx, "listings");
    return Promise.all(
      orders.map(async (order) => {
        const listing = await listings.get(order.listingHash);
        return { ...order, listing: listing?.type === "listing" ? listing : null } as unknown as ApiMarketOrder;
      }),
    );
  };

  app.get(
    "/v1/market/listings",
    {
      schema: {
        tags: ["market"],
        summary: "Search listings: words, category, currency, seller, price range, sort, pages",
        description:
          "Answered by the listings index (SQLite FTS5 with bm25). Withdrawn listings and superseded versions " +
          "are left out. `next` is the cursor of the following page. Each listing carries its seller's rating, " +
          "counted from reviews that a settled order backs.",
        querystring: searchSchema,
        response: { 200: marketListingPageSchema, ...errors(400, 503) },
      },
    },
    async (request) => {
      const page = await familyStore(ctx, "listings").query(listingQuery(request.query));
      return { items: await withRatings(page.items), ...(page.next ? { next: page.next } : {}) };
    },
  );

  app.get(
    "/v1/market/listings/:id",
    {
      schema: {
        tags: ["market"],
        summary: "One listing version by record id, with its seller's rating",
        description: "`current` says whether a later version replaced it (an edit or a withdrawal).",
        params: z.object({ id: z.string().regex(/^0x[0-9a-f]{64}$/, "must be a record id (0x + 64 hex)") }),
        response: { 200: marketListingSchema, ...errors(400, 404, 503) },
      },
    },
    async (request) => {
      const record = await familyStore(ctx, "listings").get(request.params.id);
      if (record?.type !== "listing") throw notFound(`no listing ${request.params.id} on this node`, "id");
      return (await withRatings([record]))[0]!;
    },
  );

  app.get(
    "/v1/market/sellers/:address/reviews",
    {
      schema: {
        tags: ["market"],
        summary: "A seller's reviews and rating, counting only reviews that a settled order backs",
        params: z.object({ address: accountParam }),
        querystring: z.strictObject({
          limit: z
            .string()
            .regex(/^[0-9]{1,3}$/, "must be a whole number")
            .transform(Number)
            .refine((n) => n <= 100, "must be 0-100")
            .optional(),
        }),
        response: { 200: sellerReviewsSchema, ...errors(400, 503) },
      },
    },
    async (request) => {
      const seller = request.params.address;
      return { seller, ...(await reviews.ofSeller(seller, request.query.limit ?? 20)) };
    },
  );

  app.get(
    "/v1/market/orders",
    {
      schema: {
        tags: ["market"],
        summary: "Marketplace orders, newest first, each with the listing version it bought",
        querystring: ordersSchema,
        response: { 200: marketOrdersSchema, ...errors(400, 503) },
      },
    },
    async (request) => ({ orders: await joined(await ctx.chain.indexer.orders(request.query)) }),
  );

  app.get(
    "/v1/market/orders/:orderId",
    {
      schema: {
        tags: ["market"],
        summary: "One order with its timeline and the listing version it bought",
        params: z.object({ orderId: whole }),
        response: { 200: marketOrderSchema, ...errors(400, 404, 503) },
      },
    },
    async (request) => {
      const order = await ctx.chain.indexer.order(Number(request.params.orderId));
      if (!order) throw notFound(`no order ${request.params.orderId} on chain (yet)`, "orderId");
      return (await joined([order]))[0]!;
    },
  );
}
