/**
 * Reads of the node that every page shares. Pages call these hooks (and `reader()` for other
 * reads); React Query dedupes, caches and refreshes them.
 */
import { useQuery } from "@tanstack/react-query";

let loaded: Promise<typeof import("./read-actions.ts")> | undefined;

/** The SDK's node-read actions and a node-only client, loaded once (see read-actions.ts). */
export const reader = () => (loaded ??= import("./read-actions.ts"));

export function useNodeStatus(refetchInterval: number | false = 10_000) {
  return useQuery({
    queryKey: ["node"],
    queryFn: async ({ signal }) => {
      const { getNodeInfo, readClient } = await reader();
      return getNodeInfo(readClient, { signal });
    },
    refetchInterval,
  });
}

export function useChainStatus(refetchInterval: number | false = 10_000) {
  return useQuery({
    queryKey: ["chain"],
    queryFn: async ({ signal }) => {
      const { getChainStatus, readClient } = await reader();
      return getChainStatus(readClient, { signal });
    },
    refetchInterval,
  });
}
