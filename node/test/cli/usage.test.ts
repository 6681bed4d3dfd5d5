import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { expectCleanError, initRepo, jsonError, removeTempDirs, stoa, tempDir } from "./helpers.ts";

describe("CLI: usage", function () {
  let repo: string;

  before(async function () {
    repo = await initRepo();
  });
  after(removeTempDirs);

  const inRepo = (...args: string[]) => stoa(["--repo", repo, ...args]);

  describe("bad arguments (exit code 2, before any daemon is asked)", function () {
    it("an unknown command or option, or a missing argument, names it and points at --help", async function () {
      const [command, option, subcommand, missing, noSubcommand] = await Promise.all([
        inRepo("bogus"),
        inRepo("status", "--bogus"),
        inRepo("config", "bogus"),
        inRepo("connect"),
        inRepo("config"),
      ]);
      expectCleanError(command, "unknown command 'bogus'", 2);
      expect(command.stderr).to.include("(run with --help for usage)");
      expectCleanError(option, "unknown option '--bogus'", 2);
      expectCleanError(subcommand, "unknown command 'bogus'", 2);
      expectCleanError(missing, "missing required argument 'multiaddr'", 2);
      // `stoa config` alone shows its help on stderr.
      expect(noSubcommand.code).to.equal(2);
      expect(noSubcommand.stderr).to.include("Usage: stoa config");
    });

    it("connect: a text that is not a multiaddr", async function () {
      const result = await inRepo("connect", "127.0.0.1:4001");
      expectCleanError(result, "not a multiaddr: 127.0.0.1:4001", 2);
      expect(result.stderr).to.include("/ip4/127.0.0.1/tcp/4001/p2p/12D3KooW");
    });

    it("records: an unknown family lists the families; a filter without = shows the form", async function () {
      const [family, filter] = await Promise.all([
        inRepo("records", "listing"),
        inRepo("records", "listings", "--filter", "category"),
      ]);
      expectCleanError(family, "unknown family listing", 2);
      expect(family.stderr).to.include("Use one of: profiles, delegations, listings, orderNotes, reviews, polls.");
      expectCleanError(filter, "bad filter category", 2);
      expect(filter.stderr).to.include("name=value");
    });

    it("add: a missing file, or a directory", async function () {
      const missing = join(tempDir(), "nothing-here.bin");
      const [file, directory] = await Promise.all([inRepo("add", missing), inRepo("add", tempDir())]);
      expectCleanError(file, `no file at ${missing}`, 2);
      expectCleanError(directory, "no file at ", 2);
    });

    it("config get/set: an unknown setting; config set: a value its rule refuses (named)", async function () {
      const config = readFileSync(join(repo, "config.yaml"), "utf8");
      const results = await Promise.all([
        inRepo("config", "get", "api.colour"),
        inRepo("config", "set", "api.colour", "red"),
        inRepo("config", "set", "api.port", "99999"),
        inRepo("config", "set", "api.port", "eighty"),
        inRepo("config", "set", "network", "Not A Network"),
        inRepo("config", "set", "p2p.listen", "127.0.0.1:4001"),
        inRepo("config", "set", "chain.mode", "mainnet"),
      ]);
      const [get, set, tooBig, notNumber, network, listen, mode] = results;
      expectCleanError(get, "unknown setting api.colour", 2);
      expectCleanError(set, "unknown setting api.colour", 2);
      expectCleanError(tooBig, "api.port (from the command line): Too big: expected number to be <=65535", 2);
      expectCleanError(notNumber, "api.port (from the command line): must be a number", 2);
      expectCleanError(network, "network (from the command line): must be lower-case letters, digits and dashes", 2);
      expectCleanError(
        listen,
        "p2p.listen (from the command line): must be a multiaddr like /ip4/127.0.0.1/tcp/4001",
        2,
      );
      expectCleanError(mode, /chain\.mode \(from the command line\): .*"dev".*"rpc"/, 2);
      for (const result of results) expect(result.stderr).to.include("`stoa config --help` lists every setting.");
      // Nothing was written.
      expect(readFileSync(join(repo, "config.yaml"), "utf8")).to.equal(config);
    });

    it("--json errors are one JSON object on stderr", async function () {
      const result = await inRepo("--json", "records", "gossip");
      expect(result.code).to.equal(2);
      expect(result.stdout).to.equal("");
      expect(jsonError(result)).to.deep.include({
        message: "unknown family gossip",
        hint: "Use one of: profiles, delegations, listings, orderNotes, reviews, polls.",
      });
    });
  });

  describe("--help", function () {
    const commands: [string[], string[]][] = [
      [[], ["init", "daemon", "status", "connect <multiaddr>", "add <file>", "cat <cid>", "config", "records"]],
      [["init"], ["Usage: stoa init"]],
      [["daemon"], ["Usage: stoa daemon", "--rpc-url <url>", "--deployment <file>", "--port <port>", "--network <id>"]],
      [["id"], ["Usage: stoa id"]],
      [["status"], ["Usage: stoa status"]],
      [["peers"], ["Usage: stoa peers"]],
      [["connect"], ["Usage: stoa connect [options] <multiaddr>", "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooW"]],
      [["add"], ["Usage: stoa add [options] <file>", "path of the file"]],
      [["cat"], ["Usage: stoa cat [options] <cid>", "content id"]],
      [["config"], ["Usage: stoa config", "get [name]", "set <name> <value>", "api.port", "STOA_API_PORT"]],
      [
        ["config", "get"],
        ["Usage: stoa config get [options] [name]", "setting, e.g. api.port"],
      ],
      [
        ["config", "set"],
        ["Usage: stoa config set [options] <name> <value>", "lists are comma-separated"],
      ],
      [
        ["records"],
        ["Usage: stoa records [options] <family> [text]", "profiles, delegations, listings", "--filter", "--limit"],
      ],
    ];

    it("every command's --help exits 0 and names its arguments and the global options", async function () {
      const results = await Promise.all(commands.map(([command]) => stoa([...command, "--help"])));
      results.forEach((result, i) => {
        const [command, mentions] = commands[i]!;
        const context = `stoa ${command.join(" ")} --help`;
        expect(result.code, context).to.equal(0);
        expect(result.stderr, context).to.equal("");
        for (const text of [...mentions, "--repo <dir>", "--json"]) expect(result.stdout, context).to.include(text);
      });
    });

    it("--version prints the version", async function () {
      const result = await stoa(["--version"]);
      expect(result.code).to.equal(0);
      expect(result.stdout).to.equal("0.1.0\n");
    });
  });
});
