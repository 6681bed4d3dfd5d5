/**
 * The dApp's build: React, code split by page, and every text asset precompressed (.br and .gz
 * beside it) so that the node serves compressed files without compressing per request.
 * `VITE_STOA_NODE` points the dev server's pages at a node (default: the page's own origin).
 */
import react from "@vitejs/plugin-react";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
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
      outDir = resolve(config.root, config.build.outDir);
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

/**
 * Adds <link rel="modulepreload"> for the chunks of `modules` (dynamically imported at startup,
 * e.g. the node-read code): their download starts with the entry's, while their evaluation stays
 * a separate task after the first render.
 */
function preloadDynamic(modules: RegExp): Plugin {
  return {
    name: "stoa-preload-dynamic",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, { bundle }) {
        if (!bundle) return [];
        const files = new Set<string>();
        const add = (file: string) => {
          const chunk = bundle[file];
          if (!chunk || chunk.type !== "chunk" || files.has(file)) return;
          files.add(file);
          chunk.imports.forEach(add);
        };
        for (const [file, chunk] of Object.entries(bundle)) {
          if (chunk.type === "chunk" && chunk.facadeModuleId && modules.test(chunk.facadeModuleId)) add(file);
        }
        return [...files].map((file) => ({
          tag: "link",
          attrs: { rel: "modulepreload", crossorigin: true, href: `/${file}` },
          injectTo: "head" as const,
        }));
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), preloadDynamic(/\/src\/stoa\/read-actions\.ts$/), precompress()],
  // npm keeps one copy of zod 4 per workspace package (the root holds zod 3 for other tools):
  // bundle one, the dApp's, so that schemas share one zod and its settings (main.tsx).
  resolve: { dedupe: ["zod"] },
  build: {
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      // Our workspace packages declare "sideEffects": false, but Rolldown does not apply it to
      // them (symlinked workspaces): without this, one import from @stoa/sdk's index brings the
      // whole SDK, viem's clients and every ABI into the first page load (155 KB gzip instead of 27).
      // Schemas are built at module load (`z.object(...)`): calls on `z` build values and nothing
      // else, so an unused schema is dropped instead of built in every page load.
      treeshake: {
        moduleSideEffects: (id: string) => (WORKSPACE_SOURCE.test(id) ? false : undefined),
        manualPureFunctions: ["z"],
      },
      // Rolldown merges modules shared by lazy chunks into the entry chunk by default, which put
      // the SDK's chain code (viem clients, every ABI), needed only once a wallet connects, into
      // the first page load.
      experimental: { chunkOptimization: { mergeCommonChunks: false } },
    },
  },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
