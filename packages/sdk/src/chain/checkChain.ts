import type { StoaBaseClient } from "../base.ts";
import { chainOf } from "./chainOf.ts";

export type CheckChainParameters = Record<string, never>;
/** The chain id that the provider and the deployment agree on. */
export type CheckChainReturnType = number;

/**
 * Checks that the provider is on the deployment's chain (ChainMismatchError otherwise). Contract
 * actions check it themselves on first use; call this to fail early, e.g. when a wallet connects.
 */
export async function checkChain(
  client: StoaBaseClient,
  _parameters: CheckChainParameters = {},
): Promise<CheckChainReturnType> {
  return (await chainOf(client, "checkChain")).deployment.chainId;
}
