/**
 * `review`: a buyer's review of a seller for one completed marketplace order. One current
 * version per (author, order). Nodes count it only if the chain shows that order completed
 * between the author (buyer) and `seller`.
 */
import { z } from "zod";
import { address, chainId, text, uintString } from "./fields.ts";

export const reviewV1 = z.strictObject({
  chainId,
  marketplace: address,
  orderId: uintString,
  seller: address,
  rating: z.number().int().min(1).max(5),
  text: text(2000),
});
export type ReviewV1 = z.infer<typeof reviewV1>;
