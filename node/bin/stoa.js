#!/usr/bin/env node
// The `stoa` command. Node 22 runs the TypeScript sources directly (type stripping).
import "../src/cli/main.ts";
