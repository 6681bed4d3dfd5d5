/**
 * Reads of the node that every page shares, with the client that needs no wallet. Pages call
 * these hooks; React Query dedupes, caches and refreshes them.
 */
import { createNodeClient, getChainStatus, getNodeInfo } from "@stoa/sdk";
import { useQuery } from "@tanstack/react-query";
import { NODE_URL } from "../app/config.ts";

/**
 * Reads only: the node's API, no chain and no signer. Pages call the SDK's actions with it one by
 * one (`queryRecords(readClient, ...)`), so that the first page load carries only those.
 */
export const readClient = createNodeClient({ node: NODE_URL });

export function useNodeStatus(refetchInterval: number | false = 10_000) {
  return useQuery({
    queryKey: ["node"],
    queryFn: ({ signal }) => getNodeInfo(readClient, { signal }),
    refetchInterval,
  });
}

export function useChainStatus(refetchInterval: number | false = 10_000) {
  return useQuery({
    queryKey: ["chain"],
    queryFn: ({ signal }) => getChainStatus(readClient, { signal }),
    refetchInterval,
  });
}
