import { cpSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import {
  configureForTest,
  expectCleanError,
  freePort,
  initRepo,
  jsonError,
  removeTempDirs,
  stoa,
  tempDir,
  type StoaResult,
} from "./helpers.ts";

/** Every command that needs a repo, with arguments that are otherwise valid. */
function commandsNeedingARepo(file: string): string[][] {
  return [
    ["id"],
    ["status"],
    ["peers"],
    ["connect", "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWND9C1pabTmUneNg4ufpCcyqa1om4mreEUvNkyPiHZgyH"],
    ["add", file],
    ["cat", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"],
    ["config", "get"],
    ["config", "get", "api.port"],
    ["config", "set", "api.port", "9000"],
    ["records", "listings"],
    ["daemon"],
  ];
}

describe("CLI: missing or damaged repo", function () {
  let pristine: string;
  let file: string;

  before(async function () {
    // Test ports: should a broken check let a daemon start, it stays on loopback.
    pristine = await initRepo();
    configureForTest(pristine, await freePort());
    file = join(tempDir(), "file.txt");
    writeFileSync(file, "hello\n");
  });
  after(removeTempDirs);

  /** A copy of the pristine repo, damaged by `damage`. */
  function damagedRepo(damage: (repo: string) => void): string {
    const repo = join(tempDir(), "repo");
    cpSync(pristine, repo, { recursive: true });
    damage(repo);
    return repo;
  }

  const runAll = (repo: string, commands: string[][]) =>
    Promise.all(commands.map((command) => stoa(["--repo", repo, ...command])));

  function expectEach(commands: string[][], results: StoaResult[], message: string | RegExp, code?: number): void {
    results.forEach((result, i) => {
      try {
        expectCleanError(result, message, code);
      } catch (error) {
        (error as Error).message = `stoa ${commands[i]!.join(" ")}: ${(error as Error).message}`;
        throw error;
      }
    });
  }

  it("a missing repo: every command names the path and says to run `stoa init`", async function () {
    const repo = join(tempDir(), "no-repo-here");
    const commands = commandsNeedingARepo(file);
    const results = await runAll(repo, commands);
    expectEach(commands, results, `no Stoa repo at ${repo}; create one with \`stoa init --repo ${repo}\``, 1);
  });

  it("a missing repo named by STOA_REPO, with --json", async function () {
    const repo = join(tempDir(), "env-repo");
    const result = await stoa(["status", "--json"], { env: { STOA_REPO: repo } });
    expect(result.code).to.equal(1);
    expect(jsonError(result).message).to.equal(`no Stoa repo at ${repo}; create one with \`stoa init --repo ${repo}\``);
  });

  it("config.yaml that is not YAML: the file and the line at fault", async function () {
    const repo = damagedRepo((r) => writeFileSync(join(r, "config.yaml"), "api:\n  port: [8080\n: : garbage\n"));
    const commands = [["config", "get"], ["status"], ["daemon"]];
    const results = await runAll(repo, commands);
    expectEach(commands, results, `${join(repo, "config.yaml")} is not valid YAML`);
    expect(results[0]!.stderr).to.include("Fix it in config.yaml or the environment");
  });

  it("a setting with an invalid value: the setting, its source and the rule", async function () {
    const repo = damagedRepo((r) => {
      const path = join(r, "config.yaml");
      writeFileSync(path, readFileSync(path, "utf8").replace(/^ {2}port: \d+$/m, "  port: eighty"));
    });
    const commands = [["config", "get", "network"], ["status"], ["daemon"]];
    const results = await runAll(repo, commands);
    expectEach(commands, results, "api.port (from config.yaml): Invalid input: expected number, received string");
    expect(results[0]!.stderr).to.include("Fix it in config.yaml or the environment");
  });

  it("an invalid value in the environment names its STOA_ variable", async function () {
    const env = { STOA_API_PORT: "abc", STOA_P2P_LOOPBACK_ONLY: "maybe" };
    const [status, config] = await Promise.all([
      stoa(["--repo", pristine, "status"], { env: { STOA_API_PORT: env.STOA_API_PORT } }),
      stoa(["--repo", pristine, "config", "get"], { env: { STOA_P2P_LOOPBACK_ONLY: env.STOA_P2P_LOOPBACK_ONLY } }),
    ]);
    expectCleanError(status, "api.port (from STOA_API_PORT): must be a number", 1);
    expectCleanError(config, "p2p.loopbackOnly (from STOA_P2P_LOOPBACK_ONLY): Invalid input: expected boolean", 1);
  });

  it("a truncated repo.json, or one of another format", async function () {
    const truncated = damagedRepo((r) => truncateSync(join(r, "repo.json"), 10));
    const commands = [["status"], ["daemon"]];
    expectEach(
      commands,
      await runAll(truncated, commands),
      `${join(truncated, "repo.json")} is damaged (not JSON); restore it or create a new repo with \`stoa init\``,
      1,
    );
    const future = damagedRepo((r) => writeFileSync(join(r, "repo.json"), '{"version":7}\n'));
    expectCleanError(await stoa(["--repo", future, "id"]), `${future} has repo format 7; this stoa reads format 1`, 1);
  });

  it("a missing admin token", async function () {
    const repo = damagedRepo((r) => rmSync(join(r, "admin-token")));
    const commands = [["peers"], ["daemon"]];
    expectEach(
      commands,
      await runAll(repo, commands),
      `${join(repo, "admin-token")} is missing; restore it or create a new repo with \`stoa init\``,
      1,
    );
  });

  it("a damaged key store: id and daemon name the store and say what to do", async function () {
    const store = (r: string) => join(r, "node", "data");
    const garbled = damagedRepo((r) => writeFileSync(join(store(r), "CURRENT"), "garbage"));
    const truncated = damagedRepo((r) => {
      const manifest = readdirSync(store(r)).find((name) => name.startsWith("MANIFEST-"))!;
      truncateSync(join(store(r), manifest), 3);
    });
    const [id, daemon, truncatedId] = await Promise.all([
      stoa(["--repo", garbled, "id"]),
      stoa(["--repo", garbled, "daemon"]),
      stoa(["--repo", truncated, "id"]),
    ]);
    for (const [result, repo] of [
      [id, garbled],
      [daemon, garbled],
      [truncatedId, truncated],
    ] as const) {
      expectCleanError(result, `cannot read the node's key store ${store(repo)}: `, 1);
      expect(result.stderr).to.include("create a new one with `stoa init`");
    }
    // The daemon checks the key store before it starts anything.
    expect(daemon.stderr).not.to.include("starting the dev chain");
  });

  it("a deleted key store: id says the node has no key yet", async function () {
    const repo = damagedRepo((r) => rmSync(join(r, "node", "data"), { recursive: true }));
    expectCleanError(await stoa(["--repo", repo, "id"]), `${repo} has no node key yet; run \`stoa daemon\` once`, 1);
  });
});
