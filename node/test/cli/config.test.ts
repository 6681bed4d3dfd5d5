import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { initRepo, removeTempDirs, stoa } from "./helpers.ts";

interface Effective {
  network: string;
  api: { port: number; corsOrigins: string[] };
  p2p: { listen: string[]; loopbackOnly: boolean };
  chain: { mode: string };
  log: { level: string };
}

describe("CLI: stoa config", function () {
  let repo: string;

  before(async function () {
    repo = await initRepo();
  });
  after(removeTempDirs);

  const inRepo = (args: string[], env?: Record<string, string>) => stoa(["--repo", repo, ...args], { env });
  const configFile = () => readFileSync(join(repo, "config.yaml"), "utf8");
  const commentLines = (yaml: string) => yaml.split("\n").filter((line) => line.trim().startsWith("#"));
  const effective = async (env?: Record<string, string>) => {
    const result = await inRepo(["config", "get", "--json"], env);
    expect(result.code, result.stderr).to.equal(0);
    return JSON.parse(result.stdout) as Effective;
  };

  it("get prints one setting as text, or every setting with --json", async function () {
    const [port, all] = await Promise.all([inRepo(["config", "get", "api.port"]), effective()]);
    expect(port.code, port.stderr).to.equal(0);
    expect(port.stdout).to.equal("8080\n");
    expect(all.network).to.equal("stoa-dev");
    expect(all.api.port).to.equal(8080);
    expect(all.p2p.listen).to.deep.equal(["/ip4/127.0.0.1/tcp/4001", "/ip4/127.0.0.1/tcp/4002/ws"]);
    expect(all.chain.mode).to.equal("dev");
  });

  it("set writes the typed value into config.yaml and keeps its comments; get reads it back", async function () {
    const before = configFile();
    const listen = ["/ip4/127.0.0.1/tcp/4101", "/ip4/127.0.0.1/tcp/4102/ws"];
    const sets = [
      ["api.port", "9123", 9123],
      ["p2p.listen", listen.join(", "), listen],
      ["p2p.loopbackOnly", "true", true],
      ["network", "stoa-cli-test", "stoa-cli-test"],
    ] as const;
    // One after the other: each set rewrites the same file.
    for (const [name, text, value] of sets) {
      const result = await inRepo(["config", "set", name, text, "--json"]);
      expect(result.code, result.stderr).to.equal(0);
      expect(JSON.parse(result.stdout)).to.deep.equal({ [name]: value });
    }
    const human = await inRepo(["config", "set", "log.level", "warn"]);
    expect(human.stdout).to.equal('log.level = "warn" (restart the daemon to apply)\n');

    const after = configFile();
    expect(commentLines(after)).to.deep.equal(commentLines(before));
    expect(after).to.match(/# HTTP API port \(0 picks a free one\)\. \(STOA_API_PORT\)\n {2}port: 9123\n/);
    expect(after).to.match(/^network: stoa-cli-test$/m);

    const [all, network] = await Promise.all([effective(), inRepo(["config", "get", "network"])]);
    expect(all.api.port).to.equal(9123);
    expect(all.p2p).to.deep.include({ listen, loopbackOnly: true });
    expect(all.network).to.equal("stoa-cli-test");
    expect(all.log.level).to.equal("warn");
    expect(network.stdout).to.equal("stoa-cli-test\n");
  });

  it("keeps a comment the user wrote; an empty value is an empty list", async function () {
    writeFileSync(join(repo, "config.yaml"), `${configFile()}# my own note: ask before changing the port\n`);
    expect((await inRepo(["config", "set", "api.corsOrigins", "https://a.example"])).code).to.equal(0);
    expect((await inRepo(["config", "set", "api.corsOrigins", ""])).code).to.equal(0);
    expect(configFile()).to.include("# my own note: ask before changing the port\n");
    expect((await effective()).api.corsOrigins).to.deep.equal([]);
  });

  it("STOA_* in the environment wins over config.yaml; the file is left alone", async function () {
    const file = configFile();
    const env = { STOA_API_PORT: "7777", STOA_P2P_LISTEN: "/ip4/127.0.0.1/tcp/5001", STOA_LOG_LEVEL: "debug" };
    const [port, all, withoutEnv] = await Promise.all([
      inRepo(["config", "get", "api.port"], env),
      effective(env),
      inRepo(["config", "get", "api.port"]),
    ]);
    expect(port.stdout).to.equal("7777\n");
    expect(all.api.port).to.equal(7777);
    expect(all.p2p.listen).to.deep.equal(["/ip4/127.0.0.1/tcp/5001"]);
    expect(all.log.level).to.equal("debug");
    expect(all.network).to.equal("stoa-cli-test");
    expect(withoutEnv.stdout).to.equal("9123\n");
    expect(configFile()).to.equal(file);
  });
});
