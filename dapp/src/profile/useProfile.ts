/** An account's current profile record, from the node's index (undefined: none yet). */
import type { ApiStoredRecord, ProfileV1 } from "@stoa/sdk";
import { useQuery } from "@tanstack/react-query";
import { reader } from "../stoa/queries.ts";

export type StoredProfile = ApiStoredRecord & { body: ProfileV1 };

export const profileKey = (address: string) => ["profile", address.toLowerCase()] as const;

export function useProfile(address: string | undefined) {
  return useQuery({
    queryKey: profileKey(address ?? ""),
    enabled: Boolean(address),
    refetchInterval: 15_000,
    queryFn: async ({ signal }) => {
      const { queryRecords, readClient } = await reader();
      const page = await queryRecords(readClient, {
        family: "profiles",
        type: "profile",
        author: address!.toLowerCase(),
        limit: 1,
        signal,
      });
      return (page.items[0] as StoredProfile | undefined) ?? null;
    },
  });
}
