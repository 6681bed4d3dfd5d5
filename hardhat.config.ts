import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { defineConfig } from "hardhat/config";

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
