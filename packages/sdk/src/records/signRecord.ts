import {
  buildRecord,
  recordTypedData,
  signRecord as signWithKey,
  withSignature,
  type BodyOf,
  type Hex,
  type RecordType,
  type SignedRecord,
} from "@stoa/protocol";
import { networkOf, requireSigning, type StoaBaseClient } from "../base.ts";
import { forViem } from "./typedData.ts";

/** An app key and the author's delegation to it (`createAppKey`). */
export type AppKey = { privateKey: Hex; delegation: SignedRecord<"delegation"> };

export type SignRecordParameters<T extends RecordType> = {
  type: T;
  body: BodyOf<T>;
  /** ms since the epoch; default now. */
  createdAt?: number;
  /** Sign with this delegated app key (no wallet prompt) instead of the signer; the author is the delegation's. */
  appKey?: AppKey;
};
/** The signed record, ready for `putRecord`; its id is its EIP-712 digest. */
export type SignRecordReturnType<T extends RecordType> = SignedRecord<T>;

/**
 * Builds and signs a record for the client's network: EIP-712 typed data signed by the signer
 * (one wallet prompt), or by an app key under the author's delegation (none).
 */
export async function signRecord<T extends RecordType>(
  client: StoaBaseClient,
  { type, body, createdAt, appKey }: SignRecordParameters<T>,
): Promise<SignRecordReturnType<T>> {
  const network = await networkOf(client);
  if (appKey) {
    const record = buildRecord(type, appKey.delegation.author, body, createdAt);
    return signWithKey(network, record, appKey.privateKey, appKey.delegation);
  }
  const signing = requireSigning(client, "signRecord");
  const record = buildRecord(type, signing.address.toLowerCase() as Hex, body, createdAt);
  const sig = await signing.signTypedData(forViem(recordTypedData(network, record)));
  return withSignature(record, sig);
}
