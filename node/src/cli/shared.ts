/** Options every command shares, and how a command finds its repo and configuration. */
import type { Command } from "commander";
import { ConfigError, type StoaConfig } from "../config.ts";
import { openRepo, repoPath, RepoError } from "../repo.ts";
import { DaemonClient } from "./client.ts";
import { CliError } from "./output.ts";

export interface GlobalOptions {
  repo?: string;
  json?: boolean;
  api?: string;
}

export function globals(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** The repo's path and configuration, with errors that say what to do. */
export function repoAndConfig(options: GlobalOptions): { repo: string; config: StoaConfig } {
  const repo = repoPath(options.repo);
  try {
    return { repo, config: openRepo(repo) };
  } catch (error) {
    if (error instanceof RepoError) throw new CliError(error.message);
    if (error instanceof ConfigError) {
      throw new CliError(
        error.message,
        "Fix it in config.yaml or the environment; `stoa config --help` lists every setting.",
      );
    }
    throw error;
  }
}

export function client(options: GlobalOptions): DaemonClient {
  const { repo, config } = repoAndConfig(options);
  return new DaemonClient(repo, config, options.api);
}
