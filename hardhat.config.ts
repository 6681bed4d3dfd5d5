import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

// Settings come from the environment; a local .env file (see .env.example) fills it in.
try {
  process.loadEnvFile();
} catch {
  // no .env: the environment alone
}

// Hardhat cannot download solc on these machines: both profiles point at the solcjs build that
// the pinned npm `solc` package ships (see ../shared/STACK.md, "Contracts").
const require = createRequire(import.meta.url);
const SOLC_VERSION = (require("solc/package.json") as { version: string }).version;
const SOLC_PATH: string = require.resolve("solc/soljson.js");

const settings = {
  optimizer: { enabled: true, runs: 10_000 },
  evmVersion: "prague",
};

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    profiles: {
      default: { version: SOLC_VERSION, path: SOLC_PATH, settings },
      production: { version: SOLC_VERSION, path: SOLC_PATH, settings },
    },
    npmFilesToBuild: ["@openzeppelin/contracts/governance/TimelockController.sol"],
  },
  networks: {
    // A dev chain started with `npx hardhat node --hostname 127.0.0.1`.
    localhost: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545" },
    // Any EVM chain: STOA_RPC_URL and STOA_DEPLOYER_KEY (read only when this network is used).
    custom: {
      type: "http",
      chainType: "l1",
      url: configVariable("STOA_RPC_URL"),
      accounts: [configVariable("STOA_DEPLOYER_KEY")],
    },
  },
  paths: {
    tests: { mocha: "test/contracts", solidity: "contracts" },
  },
  test: {
    solidity: {
      fuzz: { runs: 512 },
      invariant: { runs: 64, depth: 64, failOnRevert: false },
    },
  },
  typechain: { outDir: "types/ethers-contracts" },
});
