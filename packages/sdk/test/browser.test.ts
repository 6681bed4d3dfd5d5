import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { build } from "esbuild";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "../src/index.ts");

describe("browser bundle", function () {
  it("bundles src/index.ts for the browser without any Node built-in", async function () {
    const result = await build({
      entryPoints: [SRC],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
      metafile: true,
    }).catch((error: { errors?: { text: string }[] }) => {
      throw new Error(`the browser bundle fails: ${(error.errors ?? []).map((e) => e.text).join("; ")}`);
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((path) => path.startsWith("node:"))).to.deep.equal([]);
    expect(result.outputFiles[0]!.text).to.not.match(/from\s*["']node:/);
  });
});
