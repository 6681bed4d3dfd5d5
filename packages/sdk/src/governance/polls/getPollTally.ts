import { pollTallySchema, type ApiPollTally } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../../base.ts";
import { nodeJson } from "../../http.ts";

export type GetPollTallyParameters = { id: string; signal?: AbortSignal };
/**
 * Scores per choice in token wei (quadratic: also `sqrtSums` in sqrt(wei)), the counted votes with
 * each voter's weight (wei), the snapshot, and the chain block the node read at.
 */
export type GetPollTallyReturnType = ApiPollTally;

/**
 * The node's tally of a poll (GET /v1/polls/:id/tally). StoaApiError 409 names the rule when the
 * poll is not valid on that node (e.g. `snapshot-not-past`). `verifyPollTally` recomputes it.
 */
export function getPollTally(
  client: StoaBaseClient,
  { id, signal }: GetPollTallyParameters,
): Promise<GetPollTallyReturnType> {
  return nodeJson(client, pollTallySchema, {
    path: `/v1/polls/${encodeURIComponent(id)}/tally`,
    signal,
    action: "getPollTally",
  });
}
