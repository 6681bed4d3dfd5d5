import type { ApiMarketOrder } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../base.ts";
import { deploymentOf } from "../chain/chainOf.ts";
import { contractOf } from "../deployment.ts";
import { publishRecord, type PublishRecordReturnType } from "../records/publishRecord.ts";
import type { AppKey } from "../records/signRecord.ts";
import { getOrder } from "./getOrders.ts";

export type ReviewOrderParameters = {
  /** The order reviewed (its id, or the order as getOrder answered it). */
  order: bigint | number | ApiMarketOrder;
  /** 1-5. */
  rating: number;
  /** Up to 2,000 characters. */
  text: string;
  appKey?: AppKey;
};
export type ReviewOrderReturnType = PublishRecordReturnType;

/**
 * The buyer reviews the seller of one settled order (one review per order; a later one replaces
 * it). The node accepts it only if its chain index shows that order, bought by the signer from
 * that seller, released, claimed or ruled: otherwise StoaApiError 422 `review-not-backed` naming
 * the field at fault.
 */
export async function reviewOrder(
  client: StoaBaseClient,
  { order, rating, text, appKey }: ReviewOrderParameters,
): Promise<ReviewOrderReturnType> {
  const view = typeof order === "object" ? order : await getOrder(client, { orderId: order });
  const deployment = await deploymentOf(client);
  const marketplace = contractOf(deployment, "marketplace").address.toLowerCase();
  return publishRecord(client, {
    type: "review",
    body: {
      chainId: deployment.chainId,
      marketplace,
      orderId: String(view.orderId),
      seller: view.seller.toLowerCase(),
      rating,
      text,
    },
    appKey,
  });
}
