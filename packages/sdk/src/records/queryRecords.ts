import type { Family } from "@stoa/protocol";
import { pageSchema, type ApiRecordPage, type ApiRecordQuery } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../base.ts";
import { nodeJson } from "../http.ts";

export type QueryRecordsParameters = ApiRecordQuery & { family: Family; signal?: AbortSignal };
/** Up to `limit` records, and `next`: the cursor of the next page, when there is one. */
export type QueryRecordsReturnType = ApiRecordPage;

/**
 * Queries a family's index (POST /v1/records/:family/query): full text (`text`), the family's
 * `filters` (a value, a list of values, or a `{ gte, lte }` range), `author`, `type`, `sort`
 * (newest, oldest, relevance, ...), paging with `limit` (1-100) and `cursor`, `history`.
 * Unknown filters or sorts are StoaApiError 400 `invalid-query` naming the field.
 */
export function queryRecords(
  client: StoaBaseClient,
  { family, signal, ...query }: QueryRecordsParameters,
): Promise<QueryRecordsReturnType> {
  return nodeJson(client, pageSchema, {
    method: "POST",
    path: `/v1/records/${encodeURIComponent(family)}/query`,
    body: query,
    signal,
    action: "queryRecords",
  });
}
