import type { Command } from "commander";
import { initRepo, repoPath, RepoError } from "../repo.ts";
import { CliError, print } from "./output.ts";
import { globals } from "./shared.ts";

export function register(program: Command): void {
  program
    .command("init")
    .description("Create a repo: config.yaml with every setting commented, the node's key, an admin token")
    .action(async (_options, command: Command) => {
      const options = globals(command);
      const repo = repoPath(options.repo);
      try {
        const result = await initRepo(repo);
        print(
          options,
          result,
          () =>
            `Created a Stoa repo at ${result.repo}\npeer id ${result.peerId}\nStart it with: stoa daemon --repo ${result.repo}`,
        );
      } catch (error) {
        if (error instanceof RepoError) throw new CliError(error.message);
        throw error;
      }
    });
}
