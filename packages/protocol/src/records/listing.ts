/**
 * `listing`: something for sale. `key` identifies the listing across edits (the latest version
 * by its author wins); `status: "withdrawn"` takes it off sale. Prices are in the currency's
 * smallest unit: wei for "ETH", token units for an ERC-20 address.
 */
import { z } from "zod";
import { address, cid, line, recordKey, slug, text, uintString } from "./fields.ts";

export const listingV1 = z.strictObject({
  key: recordKey,
  title: line(140),
  description: text(5000),
  category: slug(32),
  price: uintString,
  currency: z.union([z.literal("ETH"), address]),
  kind: z.enum(["physical", "digital"]),
  quantity: z.number().int().min(0).max(1_000_000),
  images: z.array(cid).max(10),
  status: z.enum(["active", "withdrawn"]),
  /** For sales of a StoaAssets token through a signed order: the token. */
  asset: z.strictObject({ collection: address, tokenId: uintString }).optional(),
});
export type ListingV1 = z.infer<typeof listingV1>;
