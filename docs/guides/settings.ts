/**
 * Where the guides find Stoa: the node of `npm start` (http://127.0.0.1:8080), its dev chain
 * (http://127.0.0.1:8545) and dev account 0, unless STOA_NODE_URL, STOA_RPC_URL and
 * STOA_PRIVATE_KEY say otherwise.
 */
import type { Hex } from "viem";

export interface GuideSettings {
  nodeUrl: string;
  rpcUrl: string;
  privateKey: Hex;
}

/** Hardhat's dev account 0: public knowledge, funded on dev chains only. */
const DEV_ACCOUNT_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

export function settingsFrom(env: Record<string, string | undefined> = process.env): GuideSettings {
  return {
    nodeUrl: env.STOA_NODE_URL ?? "http://127.0.0.1:8080",
    rpcUrl: env.STOA_RPC_URL ?? "http://127.0.0.1:8545",
    privateKey: (env.STOA_PRIVATE_KEY ?? DEV_ACCOUNT_0) as Hex,
  };
}
