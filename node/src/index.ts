/**
 * @stoa/node: the Stoa daemon as a library, for scripts and tests that run a node in-process
 * (`npm start` does). The `stoa` command (bin/stoa.js, src/cli) wires the same parts.
 *
 * @example
 * const config = openRepo(repo);
 * const daemon = await startDaemon({ repo, config });
 * console.log(daemon.url);
 * await daemon.stop();
 */
export { startDaemon, type DaemonOptions, type RunningDaemon } from "./daemon.ts";
export { ConfigError, loadConfig, SETTINGS, type SettingName, type StoaConfig } from "./config.ts";
export { initRepo, openRepo, readAdminToken, readPeerId, repoPath, RepoError } from "./repo.ts";
export { createApi, type ApiOptions } from "./api/server.ts";
export { ChainService, type ChainMode } from "./chain/service.ts";
export type { DaemonContext } from "./context.ts";
