/**
 * The dApp's build: React, code split by page, and every text asset precompressed (.br and .gz
 * beside it) so that the node serves compressed files without compressing per request.
 * `VITE_STOA_NODE` points the dev server's pages at a node (default: the page's own origin).
 */
import react from "@vitejs/plugin-react";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { defineConfig, type Plugin } from "vite";

const WORKSPACE_SOURCE = /\/packages\/(sdk|protocol)\/src\//;
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt|map|wasm)$/;

/** Writes `file.br` and `file.gz` beside every compressible file of the build, when smaller. */
function precompress(): Plugin {
  let outDir = "dist";
  return {
    name: "stoa-precompress",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      const files = await readdir(outDir, { recursive: true });
      for (const file of files.filter((name) => COMPRESSIBLE.test(name))) {
        const path = join(outDir, file);
        const bytes = await readFile(path);
        if (bytes.length < 512) continue;
        const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
        const gz = gzipSync(bytes, { level: 9 });
        if (br.length < bytes.length) await writeFile(`${path}.br`, br);
        if (gz.length < bytes.length) await writeFile(`${path}.gz`, gz);
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), precompress()],
  build: {
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      // Our workspace packages declare "sideEffects": false, but Rolldown does not apply it to
      // them (symlinked workspaces): without this, one import from @stoa/sdk's index brings the
      // whole SDK, viem's clients and every ABI into the first page load (155 KB gzip instead of 27).
      treeshake: { moduleSideEffects: (id: string) => (WORKSPACE_SOURCE.test(id) ? false : undefined) },
      // Rolldown merges modules shared by lazy chunks into the entry chunk by default, which put
      // the SDK's chain code (viem clients, every ABI), needed only once a wallet connects, into
      // the first page load.
      experimental: { chunkOptimization: { mergeCommonChunks: false } },
    },
  },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
