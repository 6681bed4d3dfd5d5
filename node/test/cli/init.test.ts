import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { expectCleanError, jsonError, removeTempDirs, stoa, tempDir } from "./helpers.ts";

const PEER_ID = /^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/;

describe("CLI: stoa init", function () {
  after(removeTempDirs);

  it("creates a repo: commented config.yaml, repo.json, the node's key and an owner-only admin token", async function () {
    const repo = join(tempDir(), "repo");
    const result = await stoa(["--repo", repo, "init"]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include(`Created a Stoa repo at ${repo}`);
    expect(result.stdout).to.include(`stoa daemon --repo ${repo}`);
    const peerId = /^peer id (\S+)$/m.exec(result.stdout)?.[1];
    expect(peerId).to.match(PEER_ID);

    const config = readFileSync(join(repo, "config.yaml"), "utf8");
    expect(config).to.match(/^# Stoa node configuration/);
    expect(config).to.include("# HTTP API port (0 picks a free one). (STOA_API_PORT)");
    expect(config).to.match(/^ {2}port: 8080$/m);
    expect(JSON.parse(readFileSync(join(repo, "repo.json"), "utf8"))).to.include({ version: 1 });
    expect(readFileSync(join(repo, "admin-token"), "utf8")).to.match(/^[0-9a-f]{64}$/);
    expect(statSync(join(repo, "admin-token")).mode & 0o777).to.equal(0o600);
    expect(existsSync(join(repo, "node", "data"))).to.equal(true);

    // The key is kept: `stoa id` reads the same peer id from the repo.
    const id = await stoa(["--repo", repo, "id"]);
    expect(id.code, id.stderr).to.equal(0);
    expect(id.stdout).to.include(`peer id ${peerId}`);
  });

  it("--json prints the repo and peer id; STOA_REPO names the repo", async function () {
    const repo = join(tempDir(), "from-env");
    const result = await stoa(["init", "--json"], { env: { STOA_REPO: repo } });
    expect(result.code, result.stderr).to.equal(0);
    const printed = JSON.parse(result.stdout) as { repo: string; peerId: string };
    expect(printed.repo).to.equal(repo);
    expect(printed.peerId).to.match(PEER_ID);
    expect(existsSync(join(repo, "repo.json"))).to.equal(true);
  });

  it("refuses to overwrite an existing repo, and says what to do", async function () {
    const repo = join(tempDir(), "repo");
    expect((await stoa(["--repo", repo, "init"])).code).to.equal(0);
    const config = readFileSync(join(repo, "config.yaml"), "utf8");
    const token = readFileSync(join(repo, "admin-token"), "utf8");

    const again = await stoa(["--repo", repo, "init"]);
    expectCleanError(again, `${repo} already holds a Stoa repo; use another --repo, or remove it to start over`, 1);
    const json = await stoa(["--repo", repo, "init", "--json"]);
    expect(json.code).to.equal(1);
    expect(jsonError(json).message).to.include("already holds a Stoa repo");

    expect(readFileSync(join(repo, "config.yaml"), "utf8")).to.equal(config);
    expect(readFileSync(join(repo, "admin-token"), "utf8")).to.equal(token);
  });

  it("refuses a directory that is not empty", async function () {
    const dir = join(tempDir(), "busy");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "mine\n");
    expectCleanError(await stoa(["--repo", dir, "init"]), `${dir} is not empty; choose an empty or new directory`, 1);
    expect(existsSync(join(dir, "config.yaml"))).to.equal(false);
  });
});
