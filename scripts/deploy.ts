/**
 * Deploys the Stoa contract suite with Ignition and writes the deployment manifest.
 *
 *   npm run deploy:local                         in-process Hardhat network, StoaDev module
 *   npx hardhat run scripts/deploy.ts --network <name>
 *       chain 31337 gets the StoaDev module; any other chain the production `Stoa` module, with
 *       its parameters from the JSON file named by STOA_DEPLOY_PARAMETERS (see .env.example).
 */
import { readFileSync } from "node:fs";
import type { DeploymentParameters } from "@nomicfoundation/ignition-core";
import hre from "hardhat";
import { deploySuite } from "./lib/deploy-suite.ts";
import { writeManifest } from "./lib/manifest.ts";

const connection = await hre.network.getOrCreate();
const parametersFile = process.env.STOA_DEPLOY_PARAMETERS;
const parameters = parametersFile
  ? (JSON.parse(readFileSync(parametersFile, "utf8")) as DeploymentParameters)
  : undefined;

console.log(`Deploying to ${connection.networkName}...`);
const started = Date.now();
const manifest = await deploySuite(hre, connection, parameters);
const path = writeManifest(manifest);
console.log(`Deployed ${manifest.module} to chain ${manifest.chainId} in ${Date.now() - started} ms:`);
for (const [name, c] of Object.entries(manifest.contracts)) console.log(`  ${name.padEnd(14)} ${c.address}`);
console.log(`Manifest: ${path}`);
