import {
  batchTypedData,
  CURRENT_VERSION,
  type AuthorBatch,
  type BatchItem,
  type Family,
  type Hex,
  type RecordType,
} from "@stoa/protocol";
import { networkOf, requireSigning, type StoaBaseClient } from "../base.ts";
import { forViem } from "./typedData.ts";

export type SignRecordsParameters = {
  family: Family;
  /** Records of that family's types; `v` defaults to the current version, `createdAt` to now. */
  items: { type: RecordType; body: unknown; v?: number; createdAt?: number }[];
  createdAt?: number;
};
/** The author batch: many records under one signature, ready for `putRecord({ envelope, family })`. */
export type SignRecordsReturnType = AuthorBatch;

/** Signs many records of one family as one author batch: one wallet prompt, one entry. */
export async function signRecords(
  client: StoaBaseClient,
  { family, items, createdAt = Date.now() }: SignRecordsParameters,
): Promise<SignRecordsReturnType> {
  const network = await networkOf(client);
  const signing = requireSigning(client, "signRecords");
  const author = signing.address.toLowerCase() as Hex;
  const batchItems = items.map(
    (item) =>
      ({
        type: item.type,
        v: item.v ?? CURRENT_VERSION,
        createdAt: item.createdAt ?? createdAt,
        body: item.body,
      }) as BatchItem,
  );
  const batch = { author, createdAt, items: batchItems };
  const sig = await signing.signTypedData(forViem(batchTypedData(network, family, batch)));
  return { type: "batch", ...batch, sig: sig.toLowerCase() as Hex };
}
