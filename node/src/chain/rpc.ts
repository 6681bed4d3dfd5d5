/**
 * Following an existing chain (rpc mode): its chain id straight from JSON-RPC (a URL that does
 * not answer fails here, not in a provider's retry loop), and the deployment manifest, checked
 * against that chain.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { JsonRpcProvider } from "ethers";
import { type DeploymentManifest, MANIFEST_SCHEMA, manifestPath } from "../../../scripts/lib/manifest.ts";
import { ChainConfigError, ChainMismatchError, ChainUnreachableError, ManifestError } from "./errors.ts";
import { FOLLOWED } from "./events.ts";

const RPC_TIMEOUT_MS = 10_000;

/** The chain id served at `rpcUrl`. */
export async function fetchChainId(rpcUrl: string): Promise<number> {
  let answer: { result?: unknown; error?: { message?: string } };
  try {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
    });
    answer = (await response.json()) as typeof answer;
  } catch (error) {
    throw new ChainUnreachableError(
      `no JSON-RPC answer from ${rpcUrl} (${(error as Error).message}): start the chain, or fix chain.rpcUrl / ` +
        `STOA_CHAIN_RPC_URL (--rpc-url)`,
      rpcUrl,
    );
  }
  if (typeof answer.result !== "string") {
    throw new ChainUnreachableError(
      `${rpcUrl} did not answer eth_chainId (${answer.error?.message ?? "no result"}): is it an Ethereum JSON-RPC endpoint?`,
      rpcUrl,
    );
  }
  return Number(answer.result);
}

/** A provider for a chain whose id is known: no network detection, no background retries. */
export function connectProvider(rpcUrl: string, chainId: number): JsonRpcProvider {
  // batchStallTime 0: requests issued together still share one batch, without waiting 10 ms.
  return new JsonRpcProvider(rpcUrl, chainId, { staticNetwork: true, batchStallTime: 0 });
}

/** What is wrong with a parsed manifest, or undefined if it is usable. */
function manifestProblem(manifest: Partial<DeploymentManifest> | null): string | undefined {
  if (manifest?.schema !== MANIFEST_SCHEMA) {
    return `manifest schema ${JSON.stringify(manifest?.schema)}, this node reads schema ${MANIFEST_SCHEMA}`;
  }
  if (!Number.isSafeInteger(manifest.chainId) || !Number.isSafeInteger(manifest.startBlock)) {
    return "chainId and startBlock must be integers";
  }
  const missing = Object.keys(FOLLOWED).find((key) => {
    const contract = manifest.contracts?.[key];
    return typeof contract?.address !== "string" || !Array.isArray(contract.abi);
  });
  return missing && `contract ${missing} (address and abi) is missing`;
}

/** Reads and checks a deployment manifest (deployments/README.md has the format). */
export function readManifest(path: string): DeploymentManifest {
  let manifest: Partial<DeploymentManifest> | null;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8")) as Partial<DeploymentManifest> | null;
  } catch (error) {
    throw new ManifestError(`cannot read the deployment manifest ${path}: ${(error as Error).message}`, path);
  }
  const problem = manifestProblem(manifest);
  if (problem) {
    throw new ManifestError(
      `${path} is not a usable Stoa deployment manifest (${problem}): regenerate it with scripts/deploy.ts`,
      path,
    );
  }
  return manifest as DeploymentManifest;
}

/** The manifest of chain `chainId`: chain.deployment, else deployments/<chainId>.json. */
export function loadManifest(
  setting: string,
  chainId: number,
  rpcUrl: string,
): { manifest: DeploymentManifest; path: string } {
  const path = setting ? resolve(setting) : manifestPath(chainId);
  if (!setting && !existsSync(path)) {
    throw new ChainConfigError(
      `no deployment manifest for chain ${chainId} (${path} does not exist): set chain.deployment / ` +
        `STOA_CHAIN_DEPLOYMENT (--deployment) to the manifest of the contracts on ${rpcUrl}`,
      "chain.deployment",
    );
  }
  const manifest = readManifest(path);
  if (manifest.chainId !== chainId) {
    throw new ChainMismatchError(
      `the deployment manifest ${path} is for chain ${manifest.chainId}, but ${rpcUrl} is chain ${chainId}: point ` +
        `chain.deployment at that chain's manifest (deployments/${chainId}.json), or chain.rpcUrl at chain ${manifest.chainId}`,
      manifest.chainId,
      chainId,
    );
  }
  return { manifest, path };
}

/** Refuses a manifest whose contracts are not on the chain (a restarted dev chain, a stale file). */
export async function checkDeployed(
  provider: JsonRpcProvider,
  manifest: DeploymentManifest,
  path: string,
): Promise<void> {
  for (const key of Object.keys(FOLLOWED)) {
    const { address } = manifest.contracts[key]!;
    if ((await provider.getCode(address)) === "0x") {
      throw new ChainMismatchError(
        `chain ${manifest.chainId} has no contract at ${address} (${key} in ${path}): the manifest is of another ` +
          `deployment (a restarted dev chain?); redeploy and point chain.deployment at the new manifest`,
        manifest.chainId,
        manifest.chainId,
      );
    }
  }
}
