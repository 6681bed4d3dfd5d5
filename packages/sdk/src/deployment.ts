/**
 * The deployment manifest (deployments/README.md): which chain, and where each contract lives.
 * The SDK brings its own typed ABIs (src/abi), so it needs only the addresses; a manifest's
 * `abiHash` tells whether the deployed contract is the one those ABIs describe.
 */
import { getAddress, keccak256, stringToBytes, type Abi, type Address } from "viem";
import { z } from "zod";
import { stoaAbis, type StoaContractName } from "./abi/index.ts";
import { DeploymentError } from "./errors.ts";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address (40 hex digits)");

export const deploymentContractSchema = z.looseObject({
  contractName: z.string().optional(),
  address,
  abiHash: z
    .string()
    .regex(/^0x[0-9a-f]{64}$/, "must be a 32-byte hex hash")
    .optional(),
});

/** A manifest as written by `npm run deploy:local` or the dev chain (ABIs optional: the SDK has its own). */
export const deploymentSchema = z.looseObject({
  schema: z.literal(1).optional(),
  chainId: z.number().int().positive(),
  startBlock: z.number().int().min(0).optional(),
  contracts: z.record(z.string(), deploymentContractSchema),
});

/** A deployment manifest (deployments/README.md): what `createStoaClient` takes as `deployment`. */
export interface StoaDeploymentInput {
  chainId: number;
  startBlock?: number;
  contracts: Record<string, { address: string; abiHash?: string; contractName?: string }>;
}

/** A validated deployment: the chain id and each contract's checksummed address. */
export interface StoaDeployment {
  chainId: number;
  startBlock: number;
  contracts: Partial<Record<string, { address: Address; abiHash?: string }>>;
}

/** Validates a manifest (or the node's chain status, which has the same `chainId` and `contracts`). */
export function parseDeployment(input: unknown): StoaDeployment {
  const parsed = deploymentSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".");
    throw new DeploymentError(`invalid deployment manifest: ${field || "(root)"}: ${issue.message}`, field);
  }
  const contracts: StoaDeployment["contracts"] = {};
  for (const [key, contract] of Object.entries(parsed.data.contracts)) {
    contracts[key] = { address: getAddress(contract.address), abiHash: contract.abiHash };
  }
  return { chainId: parsed.data.chainId, startBlock: parsed.data.startBlock ?? 0, contracts };
}

/** keccak256 of the ABI's JSON, as the manifest's `abiHash`. */
export function abiHashOf(abi: Abi | readonly unknown[]): string {
  return keccak256(stringToBytes(JSON.stringify(abi)));
}

const ownHashes = new Map<string, string>();

/** The address and typed ABI of `name`; DeploymentError if it is absent or its ABI differs. */
export function contractOf<N extends StoaContractName>(
  deployment: StoaDeployment,
  name: N,
): { address: Address; abi: (typeof stoaAbis)[N] } {
  const contract = deployment.contracts[name];
  if (!contract) throw new DeploymentError(`the deployment has no ${name} contract`, `contracts.${name}`);
  const abi = stoaAbis[name];
  let own = ownHashes.get(name);
  if (own === undefined) ownHashes.set(name, (own = abiHashOf(abi)));
  if (contract.abiHash !== undefined && contract.abiHash !== own) {
    throw new DeploymentError(
      `the deployed ${name} has another ABI than this SDK's (abiHash ${contract.abiHash}, expected ${own}): ` +
        "update @stoa/sdk or the deployment",
      `contracts.${name}.abiHash`,
    );
  }
  return { address: contract.address, abi };
}
