import {
  addressOfPrivateKey,
  buildRecord,
  randomPrivateKey,
  recordTypedData,
  withSignature,
  type Hex,
  type RecordType,
} from "@stoa/protocol";
import { networkOf, requireSigning, type StoaBaseClient } from "../base.ts";
import type { AppKey } from "./signRecord.ts";
import { forViem } from "./typedData.ts";

export type CreateAppKeyParameters = {
  /** The record types the app key may sign. */
  scope: RecordType[];
  /** When the delegation ends (ms since the epoch). */
  expiresAt: number;
  /** An existing app key to delegate to; default: a new random one. */
  privateKey?: Hex;
};
/** The app key's private key and address, and the wallet's signed delegation to it. */
export type CreateAppKeyReturnType = AppKey & { address: Hex };

/**
 * Authorises an app key: the wallet signs one delegation (one prompt), after which the app key
 * signs records of `scope` for the wallet's account until `expiresAt` without further prompts
 * (`signRecord({ appKey })`). Keep the private key where the app runs; publish the delegation
 * (`putRecord`) if other apps should see it.
 */
export async function createAppKey(
  client: StoaBaseClient,
  { scope, expiresAt, privateKey = randomPrivateKey() }: CreateAppKeyParameters,
): Promise<CreateAppKeyReturnType> {
  const network = await networkOf(client);
  const signing = requireSigning(client, "createAppKey");
  const address = addressOfPrivateKey(privateKey);
  const record = buildRecord("delegation", signing.address.toLowerCase() as Hex, {
    delegate: address,
    scope,
    expiresAt,
  });
  const sig = await signing.signTypedData(forViem(recordTypedData(network, record)));
  return { privateKey, address, delegation: withSignature(record, sig) };
}
