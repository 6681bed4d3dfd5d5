// Entry point of the `stoa` command (see program.ts).
import { main } from "./program.ts";

// `stoa ... | head` closes stdout early: that is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

const code = await main();
if (code !== 0) process.exitCode = code;
