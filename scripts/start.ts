/**
 * `npm start` (until the node daemon exists): a local dev chain on 127.0.0.1 with the contract
 * suite deployed and the dev accounts funded, served as HTTP and WebSocket JSON-RPC for wallets.
 * Prints the RPC URL and the dev accounts; Ctrl-C stops it.
 *
 * STOA_CHAIN_PORT sets the port (default 8545).
 */
import hre from "hardhat";
import { HDNodeWallet, Mnemonic } from "ethers";
import { deploySuite } from "./lib/deploy-suite.ts";
import { writeManifest } from "./lib/manifest.ts";

const HOST = "127.0.0.1";
const port = Number(process.env.STOA_CHAIN_PORT ?? 8545);
// Hardhat's well-known dev mnemonic: these keys are public. Never send real funds to them.
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const SHOWN_ACCOUNTS = 10;

const server = await hre.network.createServer("default", HOST, port);
let listening: { address: string; port: number };
try {
  listening = await server.listen();
} catch (error) {
  console.error(`Cannot listen on ${HOST}:${port} (${(error as Error).message}).`);
  console.error("Stop whatever uses that port, or set STOA_CHAIN_PORT to a free one.");
  process.exit(1);
}
const rpcUrl = `http://${listening.address}:${listening.port}`;

const connection = await hre.network.connect({ network: "localhost", override: { url: rpcUrl } });
const manifest = await deploySuite(hre, connection);
const manifestFile = writeManifest(manifest);

console.log(`\nStoa dev chain ready\n`);
console.log(`  JSON-RPC (HTTP and WebSocket)  ${rpcUrl}`);
console.log(`  chain id                       ${manifest.chainId}`);
console.log(`  deployment manifest            ${manifestFile}\n`);
console.log("Contracts:");
for (const [name, c] of Object.entries(manifest.contracts)) console.log(`  ${name.padEnd(14)} ${c.address}`);
console.log("\nDev accounts (10,000 ETH and 100,000 STOA each; public keys, dev only):");
const mnemonic = Mnemonic.fromPhrase(DEV_MNEMONIC);
for (let i = 0; i < SHOWN_ACCOUNTS; i++) {
  const wallet = HDNodeWallet.fromMnemonic(mnemonic, `m/44'/60'/0'/0/${i}`);
  console.log(`  #${i} ${wallet.address}  ${wallet.privateKey}`);
}
console.log("\nPress Ctrl-C to stop.");

const stop = async () => {
  console.log("\nStopping...");
  await connection.close();
  await server.close();
  process.exit(0);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
await server.afterClosed();
