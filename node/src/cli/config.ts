import type { Command } from "commander";
import { ConfigError, getSetting, setSetting, settingsHelp } from "../config.ts";
import { CliError, print } from "./output.ts";
import { globals, repoAndConfig } from "./shared.ts";

export function register(program: Command): void {
  const config = program
    .command("config")
    .description("Read or change settings in the repo's config.yaml")
    .addHelpText(
      "after",
      `\nSettings (config.yaml name, then its environment variable and default):\n${settingsHelp()}`,
    );

  config
    .command("get")
    .description("Print a setting's effective value (file, then environment)")
    .argument("[name]", "setting, e.g. api.port; all settings without it")
    .action((name: string | undefined, _o, command: Command) => {
      const options = globals(command);
      const { config: effective } = repoAndConfig(options);
      try {
        const value = name ? getSetting(effective, name) : effective;
        print(options, value, () => (typeof value === "string" ? value : JSON.stringify(value, null, 2)));
      } catch (error) {
        if (error instanceof ConfigError)
          throw new CliError(error.message, "`stoa config --help` lists every setting.", 2);
        throw error;
      }
    });

  config
    .command("set")
    .description("Change a setting in config.yaml (validated; comments kept). Restart the daemon to apply.")
    .argument("<name>", "setting, e.g. api.port")
    .argument("<value>", "new value; lists are comma-separated")
    .action((name: string, value: string, _o, command: Command) => {
      const options = globals(command);
      const { repo } = repoAndConfig(options);
      try {
        const stored = setSetting(repo, name, value);
        print(options, { [name]: stored }, () => `${name} = ${JSON.stringify(stored)} (restart the daemon to apply)`);
      } catch (error) {
        if (error instanceof ConfigError)
          throw new CliError(error.message, "`stoa config --help` lists every setting.", 2);
        throw error;
      }
    });
}
