import { marketOrderSchema, marketOrdersSchema, type ApiMarketOrder } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../base.ts";
import { nodeJson } from "../http.ts";

export type GetOrdersParameters = {
  buyer?: string;
  seller?: string;
  arbiter?: string;
  /** Buyer or seller. */
  party?: string;
  status?: "funded" | "disputed" | "settled";
  limit?: number;
  offset?: number;
  signal?: AbortSignal;
};
/** Orders, newest first, each with its timeline and the listing version it bought (null if the node lacks it). */
export type GetOrdersReturnType = ApiMarketOrder[];

/** Marketplace orders from the node's chain index (GET /v1/market/orders). */
export async function getOrders(
  client: StoaBaseClient,
  { signal, ...filter }: GetOrdersParameters = {},
): Promise<GetOrdersReturnType> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) if (value !== undefined) params.set(name, String(value));
  const query = params.size > 0 ? `?${params}` : "";
  const { orders } = await nodeJson(client, marketOrdersSchema, {
    path: `/v1/market/orders${query}`,
    signal,
    action: "getOrders",
  });
  return orders;
}

export type GetOrderParameters = { orderId: bigint | number; signal?: AbortSignal };
export type GetOrderReturnType = ApiMarketOrder;

/** One order (GET /v1/market/orders/:orderId); not indexed (yet): StoaApiError 404. */
export function getOrder(client: StoaBaseClient, { orderId, signal }: GetOrderParameters): Promise<GetOrderReturnType> {
  return nodeJson(client, marketOrderSchema, { path: `/v1/market/orders/${orderId}`, signal, action: "getOrder" });
}
