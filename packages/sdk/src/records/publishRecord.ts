import type { RecordType } from "@stoa/protocol";
import type { StoaBaseClient } from "../base.ts";
import { putRecord, type PutRecordReturnType } from "./putRecord.ts";
import { signRecord, type SignRecordParameters } from "./signRecord.ts";

export type PublishRecordParameters<T extends RecordType> = SignRecordParameters<T>;
/** As putRecord: the record's id, its OrbitDB entry, and the record as stored. */
export type PublishRecordReturnType = PutRecordReturnType;

/** Signs a record (`signRecord`) and writes it to the node (`putRecord`); needs a session. */
export async function publishRecord<T extends RecordType>(
  client: StoaBaseClient,
  parameters: PublishRecordParameters<T>,
): Promise<PublishRecordReturnType> {
  return putRecord(client, { envelope: await signRecord(client, parameters) });
}
