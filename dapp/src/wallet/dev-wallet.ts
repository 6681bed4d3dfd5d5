/**
 * The dev wallet: a funded dev account of the local dev chain, signing in the page. Offered only
 * when the node runs the dev chain, and loaded only when chosen (this module is its own chunk).
 * Its keys come from Hardhat's well-known test mnemonic: they are public, never use them elsewhere.
 */
import { createPublicClient, http, type Account, type Transport } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { DEV_ACCOUNT_ROLES } from "./dev-roles.ts";

const DEV_MNEMONIC = "test test test test test test test test test test test junk";

export interface DevWallet {
  account: Account;
  transport: Transport;
  /** The dev chain's id, as its RPC answers. */
  chainId: number;
}

/** Dev account `index` (0-9), sending through the dev chain's RPC at `rpcUrl`. */
export async function createDevWallet(index: number, rpcUrl: string): Promise<DevWallet> {
  if (!Number.isInteger(index) || index < 0 || index >= DEV_ACCOUNT_ROLES.length) {
    throw new RangeError(`dev account index must be 0-${DEV_ACCOUNT_ROLES.length - 1}: ${index}`);
  }
  const transport = http(rpcUrl);
  const chainId = await createPublicClient({ transport }).getChainId();
  return { account: mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index }), transport, chainId };
}
