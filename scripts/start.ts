/**
 * `npm start`: Stoa on 127.0.0.1 in one process — the dev chain with the contracts deployed and
 * the dev accounts funded, one node with its HTTP API (and the dApp, once built), using the repo
 * `.stoa-dev/` (created on first run). Prints one URL and the dev accounts; Ctrl-C stops all.
 *
 * Settings come from .stoa-dev/config.yaml and STOA_* variables (see `stoa config --help`), e.g.
 * STOA_API_PORT=8081 npm start.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HDNodeWallet, Mnemonic } from "ethers";
import { initRepo, openRepo, startDaemon } from "@stoa/node";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const REPO = process.env.STOA_REPO ?? join(ROOT, ".stoa-dev");
// Hardhat's well-known dev mnemonic: these keys are public. Never send real funds to them.
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const DEV_ROLES = ["deployer", "buyer", "seller", "", "creator", "worker", "issuer", "arbiter", "arbiter", "arbiter"];

if (!existsSync(join(REPO, "repo.json"))) {
  const { peerId } = await initRepo(REPO);
  console.log(`Created the dev repo ${REPO} (peer ${peerId})`);
}
const config = openRepo(REPO);
if (config.chain.mode !== "dev") {
  console.error(`${REPO} follows ${config.chain.rpcUrl}; npm start runs the dev chain. Set chain.mode to dev.`);
  process.exit(1);
}
// One screen of output: the node's own log shows warnings and errors unless asked for more.
if (!process.env.STOA_LOG_LEVEL) config.log.level = "warn";
const distDapp = join(ROOT, "dapp", "dist");
if (!config.dapp.dir && existsSync(distDapp)) config.dapp.dir = distDapp;

const daemon = await startDaemon({
  repo: REPO,
  config,
  onProgress: (line) => console.log(`... ${line}`),
});
const { chain, node } = daemon.ctx;
const mnemonic = Mnemonic.fromPhrase(DEV_MNEMONIC);
const accounts = DEV_ROLES.map((role, i) => {
  const wallet = HDNodeWallet.fromMnemonic(mnemonic, `m/44'/60'/0'/0/${i}`);
  return `  #${i} ${wallet.address} ${wallet.privateKey}${role ? `  (${role})` : ""}`;
});
console.log(`
Stoa is running: ${daemon.url}

  node        ${node.peerId.toString()} on ${config.network}
  chain       ${chain.chainId} at ${chain.rpcUrl} (add it to your wallet as a custom network)
  contracts   ${chain.manifestPath}

Dev accounts (10,000 ETH and 100,000 STOA each; dUSD from its faucet; public keys, dev only):
${accounts.join("\n")}

Press Ctrl-C to stop.`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping...");
  daemon.stop().then(
    () => process.exit(0),
    (error: Error) => {
      console.error(`Error while stopping: ${error.message}`);
      process.exit(1);
    },
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
