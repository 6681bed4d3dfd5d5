import { familyOf, type Envelope, type Family } from "@stoa/protocol";
import { putResultSchema, type ApiPutResult } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../base.ts";
import { StoaError } from "../errors.ts";
import { nodeJson } from "../http.ts";

export type PutRecordParameters = {
  /** A signed record (`signRecord`) or author batch. */
  envelope: Envelope;
  /** Default: the family of the record's type. Required for a batch. */
  family?: Family;
};
/** The envelope's id, the OrbitDB entry that carries it, and the records as stored (with their ids). */
export type PutRecordReturnType = ApiPutResult;

/**
 * Writes a signed record or author batch to its family on the node (POST /v1/records/:family).
 * Needs a session of the author (or of the app key that signed it). Refusals are StoaApiError:
 * 400 with the `field` at fault, 403 `policy-refusal` with its `reason`.
 */
export function putRecord(
  client: StoaBaseClient,
  { envelope, family }: PutRecordParameters,
): Promise<PutRecordReturnType> {
  if (!family && envelope.type === "batch") throw new StoaError("putRecord: give the `family` of an author batch");
  const target = family ?? familyOf((envelope as Exclude<Envelope, { type: "batch" }>).type);
  return nodeJson(client, putResultSchema, {
    method: "POST",
    path: `/v1/records/${encodeURIComponent(target)}`,
    body: envelope,
    session: "required",
    action: "putRecord",
  });
}
