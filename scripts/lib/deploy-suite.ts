/**
 * Deploys the contract suite on a network connection with Ignition and builds its manifest:
 * the dev module (StoaDev) on the dev chain 31337, the production module (Stoa) elsewhere.
 */
import type { DeploymentParameters } from "@nomicfoundation/ignition-core";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import Stoa from "../../ignition/modules/Stoa.ts";
import StoaDev from "../../ignition/modules/StoaDev.ts";
import { abiHash, type DeploymentManifest, MANIFEST_SCHEMA } from "./manifest.ts";

export const DEV_CHAIN_ID = 31337;

export async function deploySuite(
  hre: HardhatRuntimeEnvironment,
  connection: NetworkConnection<"l1"> | NetworkConnection<"generic">,
  parameters?: DeploymentParameters,
): Promise<DeploymentManifest> {
  const { ethers, ignition } = connection;
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  const module = chainId === DEV_CHAIN_ID ? StoaDev : Stoa;
  if (module === Stoa && !parameters) {
    throw new Error(
      `Chain ${chainId} is not the dev chain: set STOA_DEPLOY_PARAMETERS to a JSON file of module ` +
        `parameters, at least { "Stoa": { "initialHolder": "0x..." } } (see .env.example).`,
    );
  }
  const startBlock = await ethers.provider.getBlockNumber();
  const deployed = await ignition.deploy(module, { parameters });

  const contracts: DeploymentManifest["contracts"] = {};
  const results = module.results as Record<string, { contractName: string }>;
  for (const [name, contract] of Object.entries(deployed)) {
    const contractName = results[name]!.contractName;
    const abi = (await hre.artifacts.readArtifact(contractName)).abi;
    contracts[name] = { contractName, address: await contract.getAddress(), abiHash: abiHash(abi), abi };
  }
  return {
    schema: MANIFEST_SCHEMA,
    chainId,
    module: module.id,
    startBlock,
    deployedAt: new Date().toISOString(),
    contracts,
  };
}
