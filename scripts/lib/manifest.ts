/**
 * The deployment manifest: the one file that tells the node, the SDK and the dApp where Stoa's
 * contracts live on a chain and what their ABIs are. Written by `npm run deploy:local` (and by
 * `scripts/deploy.ts` on any network) to `deployments/<chainId>.json`; the format is documented
 * in deployments/README.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { keccak256, toUtf8Bytes } from "ethers";

export const MANIFEST_SCHEMA = 1;
export const DEPLOYMENTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../deployments");

export interface ManifestContract {
  /** Solidity contract name (artifact name). */
  contractName: string;
  address: string;
  /** keccak256 of the canonical JSON of `abi`: a cheap check that a client's ABI matches. */
  abiHash: string;
  abi: readonly unknown[];
}

export interface DeploymentManifest {
  schema: typeof MANIFEST_SCHEMA;
  chainId: number;
  /** The Ignition module that was deployed (`Stoa` or `StoaDev`). */
  module: string;
  /** First block an indexer must read to see every event of these contracts. */
  startBlock: number;
  deployedAt: string;
  contracts: Record<string, ManifestContract>;
}

export function abiHash(abi: readonly unknown[]): string {
  return keccak256(toUtf8Bytes(JSON.stringify(abi)));
}

/** Where the manifest of `chainId` lives (override the folder with STOA_DEPLOYMENTS_DIR). */
export function manifestPath(chainId: number, dir = process.env.STOA_DEPLOYMENTS_DIR ?? DEPLOYMENTS_DIR): string {
  return resolve(dir, `${chainId}.json`);
}

export function writeManifest(manifest: DeploymentManifest, path = manifestPath(manifest.chainId)): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(manifest, null, 2) + "\n");
  return path;
}
