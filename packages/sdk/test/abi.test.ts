import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { ARTIFACTS_DIR, CONTRACTS } from "../scripts/abi.ts";
import { stoaAbis } from "../src/abi/index.ts";

describe("src/abi", function () {
  it("matches the compiled artifacts (else run `npm run abi -w packages/sdk`)", function () {
    expect(Object.keys(stoaAbis)).to.deep.equal(Object.keys(CONTRACTS));
    for (const [key, [source, contractName]] of Object.entries(CONTRACTS)) {
      const artifact = JSON.parse(readFileSync(join(ARTIFACTS_DIR, source, `${contractName}.json`), "utf8")) as {
        abi: unknown;
      };
      expect(
        JSON.stringify(stoaAbis[key as keyof typeof stoaAbis]) === JSON.stringify(artifact.abi),
        `src/abi/${contractName}.ts differs from the compiled ${contractName}: run \`npm run abi -w packages/sdk\``,
      ).to.equal(true);
    }
  });
});
