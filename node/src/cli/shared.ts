/** Options every command shares, and how a command finds its repo and configuration. */
import type { Command } from "commander";
import { ConfigError, type StoaConfig } from "../config.ts";
import { openRepo, paths, readPeerId, repoPath, RepoError } from "../repo.ts";
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

/**
 * The node's peer id from the repo's key store. LevelDB's own errors ("Database failed to open")
 * name neither the store nor the likely cause: a daemon holding its lock, or a damaged repo.
 */
export async function repoPeerId(repo: string, create = false): Promise<string> {
  try {
    return await readPeerId(repo, create);
  } catch (error) {
    if (error instanceof RepoError) throw new CliError(error.message);
    const reason = (error as Error).message.replace(/^Error: /, "");
    throw new CliError(
      `cannot read the node's key store ${paths(repo).datastore}: ${reason}`,
      "Is a `stoa daemon` running on this repo? Stop it first (or reach it with --api). Otherwise the repo is " +
        "damaged: restore it from a backup, or create a new one with `stoa init`.",
    );
  }
}
