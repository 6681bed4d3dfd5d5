import type { PollState } from "@stoa/protocol";
import { pollPageSchema, type ApiPollPage } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../../base.ts";
import { nodeJson } from "../../http.ts";

export type GetPollsParameters = {
  /** By the chain's latest block time: upcoming, active or ended. */
  state?: PollState;
  author?: string;
  /** Words to find in titles and bodies. */
  q?: string;
  /** 1-50, default 20. */
  limit?: number;
  /** `next` of the previous page of the same search. */
  cursor?: string;
  signal?: AbortSignal;
};
/** Polls newest first, each with its state; `next` if there are more; the chain time judged at. */
export type GetPollsReturnType = ApiPollPage;

/** The node's polls (GET /v1/polls), leaving out those not valid on it (another chain, no voting power). */
export function getPolls(
  client: StoaBaseClient,
  { signal, ...search }: GetPollsParameters = {},
): Promise<GetPollsReturnType> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(search)) if (value !== undefined) params.set(name, String(value));
  return nodeJson(client, pollPageSchema, {
    path: `/v1/polls${params.size > 0 ? `?${params}` : ""}`,
    signal,
    action: "getPolls",
  });
}
