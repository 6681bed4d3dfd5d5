/**
 * The `stoa` command line, in the spirit of Kubo's `ipfs`: `stoa init` makes a repo, `stoa daemon`
 * runs the node, and the other commands either read the repo or talk to the running daemon.
 * Every command has --json and --help; errors say what to do next.
 */
import { Command, CommanderError } from "commander";
import { register as registerConfig } from "./config.ts";
import { register as registerContent } from "./content.ts";
import { register as registerDaemon } from "./daemon.ts";
import { register as registerId } from "./id.ts";
import { register as registerInit } from "./init.ts";
import { printError } from "./output.ts";
import { register as registerPeers } from "./peers.ts";
import { register as registerRecords } from "./records.ts";
import { register as registerStatus } from "./status.ts";

export function buildProgram(): Command {
  const program = new Command()
    .name("stoa")
    .description("Stoa node: a peer-to-peer platform to learn, trade, talk, hire and govern")
    .version("0.1.0")
    .option("--repo <dir>", "repo directory (env STOA_REPO, default ~/.stoa)")
    .option("--json", "print JSON instead of text")
    .option("--api <url>", "the daemon's API URL (default: from the repo's config)")
    .showHelpAfterError("(run with --help for usage)")
    // Each command's --help lists --repo, --json and --api too (the subcommands inherit this).
    .configureHelp({ showGlobalOptions: true })
    .exitOverride();
  for (const register of [
    registerInit,
    registerDaemon,
    registerId,
    registerStatus,
    registerPeers,
    registerContent,
    registerConfig,
    registerRecords,
  ]) {
    register(program);
  }
  return program;
}

export async function main(argv = process.argv): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with a "commander" pseudo-error of exit code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    return printError(error, argv.includes("--json"));
  }
}
