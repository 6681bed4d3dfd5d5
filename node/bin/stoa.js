#!/usr/bin/env node
// The `stoa` command. Node 22.13+ runs the TypeScript sources directly (type stripping). Started by
// an older Node (e.g. a system Node 20 through this file's shebang), it hands over to the Node 22
// that the Stoa checkout installs (the `node` dev dependency), or says what to do.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const supported = major > 22 || (major === 22 && minor >= 13);

/** node_modules/node/bin/node in this package's directory or any directory above it. */
function bundledNode() {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", "node", "bin", "node");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

if (supported) {
  await import("../src/cli/main.ts");
} else {
  const node = bundledNode();
  if (!node) {
    process.stderr.write(
      `stoa needs Node.js 22.13 or later (this is ${process.version}). Run \`npm ci\` in the Stoa ` +
        "checkout and use `npx stoa`, or install Node.js 22.\n",
    );
    process.exit(1);
  }
  const child = spawn(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}
