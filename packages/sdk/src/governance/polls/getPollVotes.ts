import { pollVotePageSchema, type ApiPollVotePage } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../../base.ts";
import { nodeJson } from "../../http.ts";

export type GetPollVotesParameters = {
  /** The poll's record id. */
  id: string;
  /** One account's vote only. */
  voter?: string;
  /** With `voter`: every version of their vote, newest first. */
  history?: boolean;
  /** 1-100, default 20. */
  limit?: number;
  cursor?: string;
  signal?: AbortSignal;
};
/** Votes (each voter's current one unless `history`), each with the envelope its voter signed. */
export type GetPollVotesReturnType = ApiPollVotePage;

/** A poll's votes as the node holds them (GET /v1/polls/:id/votes); whether each counts is the tally's to say. */
export function getPollVotes(
  client: StoaBaseClient,
  { id, signal, ...search }: GetPollVotesParameters,
): Promise<GetPollVotesReturnType> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(search)) if (value !== undefined) params.set(name, String(value));
  return nodeJson(client, pollVotePageSchema, {
    path: `/v1/polls/${encodeURIComponent(id)}/votes${params.size > 0 ? `?${params}` : ""}`,
    signal,
    action: "getPollVotes",
  });
}
