/**
 * The market's reads of the node, for everyone (no wallet needed): listings, orders, reviews,
 * arbiters. React Query caches and refreshes them; pages invalidate ["market"] after a write.
 */
import {
  createNodeClient,
  getArbiters,
  getListing,
  getOrder,
  getOrders,
  getSellerReviews,
  type GetOrdersParameters,
} from "@stoa/sdk";
import { useQuery } from "@tanstack/react-query";
import { NODE_URL } from "../app/config.ts";

const client = createNodeClient({ node: NODE_URL });

export function useListing(id: string) {
  return useQuery({ queryKey: ["market", "listing", id], queryFn: ({ signal }) => getListing(client, { id, signal }) });
}

export function useOrders(filter: GetOrdersParameters, enabled = true) {
  return useQuery({
    queryKey: ["market", "orders", filter],
    enabled,
    refetchInterval: 4_000,
    queryFn: ({ signal }) => getOrders(client, { ...filter, signal }),
  });
}

export function useOrder(orderId: number) {
  return useQuery({
    queryKey: ["market", "order", orderId],
    refetchInterval: 3_000,
    queryFn: ({ signal }) => getOrder(client, { orderId, signal }),
  });
}

export function useSellerReviews(seller: string) {
  return useQuery({
    queryKey: ["market", "reviews", seller],
    queryFn: ({ signal }) => getSellerReviews(client, { seller, limit: 5, signal }),
  });
}

export function useArbiters() {
  return useQuery({
    queryKey: ["market", "arbiters"],
    staleTime: 60_000,
    queryFn: ({ signal }) => getArbiters(client, { signal }),
  });
}
