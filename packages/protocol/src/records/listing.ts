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
  /**
   * For a sale of an ERC-721 token (a StoaAssets token) through AssetExchange: the token, and the
   * seller's EIP-712 `AssetOrder` signature over it with the listing's author as seller and its
   * currency and price. A buyer fills it on chain in one transaction (no escrow).
   */
  asset: z
    .strictObject({
      collection: address,
      tokenId: uintString,
      /** The order's single-use nonce. */
      nonce: uintString,
      /** Last second (unix) at which the order may be filled. */
      deadline: z
        .number()
        .int()
        .min(0)
        .max(2 ** 40),
      /** The seller's signature of the AssetOrder: 65 bytes, or an ERC-1271 wallet's (up to 1 KiB). */
      signature: z
        .string()
        .regex(/^0x([0-9a-f]{2}){65,1024}$/, "must be the order's signature: 0x and 65-1024 bytes of lower-case hex"),
    })
    .optional(),
});
export type ListingV1 = z.infer<typeof listingV1>;
