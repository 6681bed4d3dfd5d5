/**
 * Reads of polls from the node, for everyone (no wallet needed): the list, one poll, its tally
 * and one voter's current vote. Pages invalidate ["polls"] after a write.
 */
import { createNodeClient, getPoll, getPollTally, getPollVotes, type PollState } from "@stoa/sdk";
import { useQuery } from "@tanstack/react-query";
import { NODE_URL } from "../../app/config.ts";
import { formatStoa } from "../../ui/errors.ts";

export const pollsClient = createNodeClient({ node: NODE_URL });

export function usePoll(id: string) {
  return useQuery({
    queryKey: ["polls", "poll", id],
    refetchInterval: 10_000,
    queryFn: ({ signal }) => getPoll(pollsClient, { id, signal }),
  });
}

export function usePollTally(id: string, enabled = true) {
  return useQuery({
    queryKey: ["polls", "tally", id],
    enabled,
    refetchInterval: 5_000,
    queryFn: ({ signal }) => getPollTally(pollsClient, { id, signal }),
  });
}

/** `voter`'s current vote in the poll, or null. */
export function useMyVote(id: string, voter: string | undefined) {
  return useQuery({
    queryKey: ["polls", "vote", id, voter],
    enabled: Boolean(voter),
    queryFn: async ({ signal }) =>
      (await getPollVotes(pollsClient, { id, voter: voter!, limit: 1, signal })).items[0] ?? null,
  });
}

export const STATE_LABELS: Record<PollState, string> = { upcoming: "Upcoming", active: "Open", ended: "Closed" };
export const SYSTEM_LABELS = { single: "Single choice", approval: "Approval", quadratic: "Quadratic" } as const;

/** Token wei as STOA, whole tokens shown without decimals beyond 2. */
export function formatWeight(wei: string | bigint): string {
  const value = typeof wei === "bigint" ? wei : BigInt(wei);
  return formatStoa(value - (value % 10n ** 16n));
}
