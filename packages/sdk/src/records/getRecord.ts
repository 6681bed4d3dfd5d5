import type { Family } from "@stoa/protocol";
import { storedRecordSchema, type ApiStoredRecord } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../base.ts";
import { nodeJson } from "../http.ts";

export type GetRecordParameters = { family: Family; id: string; signal?: AbortSignal };
/** The record with its body, author, signer, key, whether it is current, and where it came from. */
export type GetRecordReturnType = ApiStoredRecord;

/** A record by id, any version (GET /v1/records/:family/:id); StoaApiError 404 `not-found` if the node has none. */
export function getRecord(
  client: StoaBaseClient,
  { family, id, signal }: GetRecordParameters,
): Promise<GetRecordReturnType> {
  return nodeJson(client, storedRecordSchema, {
    path: `/v1/records/${encodeURIComponent(family)}/${encodeURIComponent(id)}`,
    signal,
    action: "getRecord",
  });
}
