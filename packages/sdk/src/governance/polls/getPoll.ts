import { apiPollSchema, type ApiPoll } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../../base.ts";
import { nodeJson } from "../../http.ts";

export type GetPollParameters = { id: string; signal?: AbortSignal };
/** The poll as stored, its state by the chain's clock, and the envelope its author signed. */
export type GetPollReturnType = ApiPoll;

/** One poll by record id (GET /v1/polls/:id); StoaApiError 404 if the node does not hold it. */
export function getPoll(client: StoaBaseClient, { id, signal }: GetPollParameters): Promise<GetPollReturnType> {
  return nodeJson(client, apiPollSchema, { path: `/v1/polls/${encodeURIComponent(id)}`, signal, action: "getPoll" });
}
