/**
 * Deploys the Stoa contract suite with Ignition and writes the deployment manifest.
 *
 *   npm run deploy:local                         in-process Hardhat network, StoaDev module
 *   npx hardhat run scripts/deploy.ts --network <name>
 *       chain 31337 gets the StoaDev module; any other chain the production `Stoa` module, with
 *       its parameters from the JSON file named by STOA_DEPLOY_PARAMETERS
 *       ({ "Stoa": { "initialHolder": "0x...", ... } }, see .env.example).
 */
import { readFileSync } from "node:fs";
import hre from "hardhat";
import Stoa from "../ignition/modules/Stoa.js";
import StoaDev from "../ignition/modules/StoaDev.js";
import { abiHash, type DeploymentManifest, MANIFEST_SCHEMA, writeManifest } from "./lib/manifest.js";

const DEV_CHAIN_ID = 31337;

const connection = await hre.network.getOrCreate();
const { ethers, ignition } = connection;
const chainId = Number((await ethers.provider.getNetwork()).chainId);
const isDev = chainId === DEV_CHAIN_ID;
const startBlock = await ethers.provider.getBlockNumber();

console.log(`Deploying ${isDev ? "StoaDev" : "Stoa"} to chain ${chainId} (${connection.networkName})...`);
const started = Date.now();
const deployed = isDev ? await ignition.deploy(StoaDev) : await ignition.deploy(Stoa, { parameters: readParameters() });

const contracts: DeploymentManifest["contracts"] = {};
for (const [name, contract] of Object.entries(deployed)) {
  const future = (isDev ? StoaDev : Stoa).results[name as keyof typeof deployed] as { contractName: string };
  const abi = (await hre.artifacts.readArtifact(future.contractName)).abi;
  contracts[name] = {
    contractName: future.contractName,
    address: await contract.getAddress(),
    abiHash: abiHash(abi),
    abi,
  };
}
const manifest: DeploymentManifest = {
  schema: MANIFEST_SCHEMA,
  chainId,
  module: isDev ? "StoaDev" : "Stoa",
  startBlock,
  deployedAt: new Date().toISOString(),
  contracts,
};
const path = writeManifest(manifest);
console.log(`Deployed ${Object.keys(contracts).length} contracts in ${Date.now() - started} ms:`);
for (const [name, c] of Object.entries(contracts)) console.log(`  ${name.padEnd(14)} ${c.address}`);
console.log(`Manifest: ${path}`);

function readParameters() {
  const file = process.env.STOA_DEPLOY_PARAMETERS;
  if (!file) {
    throw new Error(
      `Chain ${chainId} is not the dev chain: set STOA_DEPLOY_PARAMETERS to a JSON file of module ` +
        `parameters, at least { "Stoa": { "initialHolder": "0x..." } } (see .env.example).`,
    );
  }
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, string>>;
}
