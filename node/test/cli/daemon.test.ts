import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomPrivateKey } from "@stoa/protocol";
import { expect } from "chai";
import {
  configureForTest,
  expectCleanError,
  freePort,
  initRepo,
  inTerminal,
  killDaemons,
  jsonError,
  removeTempDirs,
  startStoaDaemon,
  stoa,
  stoaCommandLine,
  tempDir,
  type StoaDaemon,
} from "./helpers.ts";
import { postListing, type Page } from "./post-listing.ts";

const CID = /^baf[a-z2-7]{56}$/;
const ABSENT_CID = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";

describe("CLI: commands that talk to the daemon", function () {
  let repo: string;
  let peerRepo: string;
  let apiPort: number;
  let file: string;
  let fileBytes: Buffer;
  let offlinePeerId: string;

  const inRepo = (...args: string[]) => stoa(["--repo", repo, ...args]);

  before(async function () {
    [repo, peerRepo, apiPort] = await Promise.all([initRepo(), initRepo(), freePort()]);
    // The peer's API takes any free port: the tests reach it with --api.
    configureForTest(repo, apiPort);
    configureForTest(peerRepo, 0);
    file = join(tempDir(), "three-megabytes.bin");
    fileBytes = randomBytes(3_000_000);
    writeFileSync(file, fileBytes);
  });
  after(removeTempDirs);

  describe("without a daemon", function () {
    it("status, peers, connect, add, cat and records say that no daemon answers, and how to start it", async function () {
      const commands = [
        ["status"],
        ["peers"],
        ["connect", "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWND9C1pabTmUneNg4ufpCcyqa1om4mreEUvNkyPiHZgyH"],
        ["add", file],
        ["cat", ABSENT_CID],
        ["records", "listings"],
      ];
      const results = await Promise.all(commands.map((command) => inRepo(...command)));
      results.forEach((result, i) => {
        const context = `stoa ${commands[i]!.join(" ")}`;
        expect(
          () => expectCleanError(result, `no daemon answers at http://127.0.0.1:${apiPort}`, 1),
          context,
        ).not.to.throw();
        expect(result.stderr, context).to.include("Start it with `stoa daemon` (same --repo)");
      });
      const json = await inRepo("status", "--json");
      expect(jsonError(json).hint).to.include("stoa daemon");
    });

    it("id reads the peer id from the repo (no addresses)", async function () {
      const result = await inRepo("id", "--json");
      expect(result.code, result.stderr).to.equal(0);
      const id = JSON.parse(result.stdout) as { peerId: string; network: string; addresses: string[] };
      expect(id.network).to.equal("stoa-dev");
      expect(id.addresses).to.deep.equal([]);
      offlinePeerId = id.peerId;
    });
  });

  describe("with a running daemon", function () {
    let daemon: StoaDaemon | undefined;
    let peer: StoaDaemon | undefined;
    let peerSummary: { peerId: string; addresses: string[]; api: string; chain: { chainId: number } };
    let addedCid: string;

    before(async function () {
      // Both at once: each starts its own in-process dev chain.
      [daemon, peer] = await Promise.all([
        startStoaDaemon(["--repo", repo]),
        startStoaDaemon(["--repo", peerRepo, "--json"]),
      ]);
      peerSummary = JSON.parse(peer.stdout().split("\n")[0]!) as typeof peerSummary;
    });
    // Also when a test or the start failed: no daemon outlives the suite.
    after(killDaemons);

    it("stoa daemon prints its peer id, addresses, chain and API URL", function () {
      const out = daemon!.stdout();
      expect(out).to.include(`Stoa node ${offlinePeerId} on stoa-dev`);
      expect(out).to.match(/^ {2}listening \/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW/m);
      expect(out).to.match(/^ {2}chain 31337 at http:\/\/127\.0\.0\.1:\d+\/? \(dev\)$/m);
      expect(daemon!.api).to.equal(`http://127.0.0.1:${apiPort}`);
      expect(out).to.include("Press Ctrl-C to stop.");
      expect(daemon!.stderr()).to.include("... starting the dev chain and deploying the contracts");
      // --json: one JSON line on stdout, no progress lines.
      expect(peerSummary.peerId).to.match(/^12D3KooW/);
      expect(peerSummary.api).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(peerSummary.chain.chainId).to.equal(31337);
      expect(peer!.stderr()).not.to.include("... starting");
    });

    it("id shows the peer id and the listen addresses; --json", async function () {
      const [text, json] = await Promise.all([inRepo("id"), inRepo("id", "--json")]);
      expect(text.code, text.stderr).to.equal(0);
      expect(text.stdout).to.match(
        new RegExp(`^peer id ${offlinePeerId}\nnetwork stoa-dev\n {2}/ip4/127\\.0\\.0\\.1/`),
      );
      const id = JSON.parse(json.stdout) as { peerId: string; addresses: string[] };
      expect(id.peerId).to.equal(offlinePeerId);
      expect(id.addresses.length).to.be.greaterThan(0);
      for (const address of id.addresses)
        expect(address).to.match(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+(/ws)?/p2p/${offlinePeerId}$`));
    });

    it("status shows the node, its databases and the chain; --json has their fields", async function () {
      const [text, json] = await Promise.all([inRepo("status"), inRepo("status", "--json")]);
      expect(text.code, text.stderr).to.equal(0);
      expect(text.stdout).to.match(new RegExp(`^node ${offlinePeerId} on stoa-dev, up \\d+ s, \\d+ peers$`, "m"));
      expect(text.stdout).to.match(/^ {2}listings +\d+ records$/m);
      expect(text.stdout).to.match(/^chain 31337 at http:\/\/127\.0\.0\.1:\d+\/?: block \d+, indexed to \d+/m);
      const status = JSON.parse(json.stdout) as {
        node: { peerId: string; network: string; uptimeMs: number; peers: number; families: Record<string, unknown> };
        chain: { chainId: number; head: { number: number }; indexer: { block: number; synced: boolean } };
      };
      expect(status.node).to.include({ peerId: offlinePeerId, network: "stoa-dev" });
      expect(status.node.uptimeMs).to.be.a("number");
      expect(status.node.peers).to.be.a("number");
      expect(status.node.families).to.have.all.keys(
        "profiles",
        "delegations",
        "listings",
        "orderNotes",
        "reviews",
        "polls",
      );
      expect(status.chain.chainId).to.equal(31337);
      expect(status.chain.head.number).to.be.a("number");
      expect(status.chain.indexer.synced).to.be.a("boolean");
    });

    it("--api reaches another daemon (the peer's, on a port of its own choice)", async function () {
      const result = await stoa(["--repo", peerRepo, "--api", peerSummary.api, "status", "--json"]);
      expect(result.code, result.stderr).to.equal(0);
      expect((JSON.parse(result.stdout) as { node: { peerId: string } }).node.peerId).to.equal(peerSummary.peerId);
    });

    it("peers: none at first", async function () {
      const [text, json] = await Promise.all([inRepo("peers"), inRepo("peers", "--json")]);
      expect(text.stdout).to.equal("no peers\n");
      expect(JSON.parse(json.stdout)).to.deep.equal({ peers: [] });
    });

    it("add prints only the CID on stdout when not in a terminal; --json adds the size", async function () {
      const [text, json] = await Promise.all([inRepo("add", file), inRepo("add", file, "--json")]);
      expect(text.code, text.stderr).to.equal(0);
      expect(text.stdout).to.match(/^\S+\n$/);
      addedCid = text.stdout.trim();
      expect(addedCid).to.match(CID);
      expect(text.stderr).to.equal("");
      expect(JSON.parse(json.stdout)).to.deep.equal({ cid: addedCid, size: fileBytes.length });
    });

    it("add shows a progress bar in a terminal", async function () {
      if (!existsSync("/usr/bin/script") && !existsSync("/bin/script")) this.skip();
      const result = await inTerminal(stoaCommandLine(["--repo", repo, "add", file]));
      expect(result.code, result.stdout).to.equal(0);
      expect(result.stdout).to.include("adding [");
      expect(result.stdout).to.include(`100% ${fileBytes.length}/${fileBytes.length} bytes`);
      expect(result.stdout).to.include(addedCid);
    });

    it("cat writes the file back, byte for byte", async function () {
      const result = await inRepo("cat", addedCid);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.bytes.length).to.equal(fileBytes.length);
      expect(result.bytes.equals(fileBytes)).to.equal(true);
    });

    // Before connect: with a peer to ask, the daemon would look for the absent CID until its fetch timeout.
    it("cat: a text that is not a CID (bad usage), a CID that no node has", async function () {
      const [notCid, absent, json] = await Promise.all([
        inRepo("cat", "not-a-cid"),
        inRepo("cat", ABSENT_CID),
        inRepo("cat", "not-a-cid", "--json"),
      ]);
      expectCleanError(notCid, "not a CID: not-a-cid", 2);
      expectCleanError(absent, `${ABSENT_CID} is not on this node`, 1);
      expect(jsonError(json).message).to.equal("not a CID: not-a-cid");
    });

    it("records: none at first, then the listing posted through the API; filters; --json", async function () {
      const [empty, emptyJson] = await Promise.all([
        inRepo("records", "listings"),
        inRepo("records", "reviews", "--json"),
      ]);
      expect(empty.code, empty.stderr).to.equal(0);
      expect(empty.stdout).to.equal("no records\n");
      expect(JSON.parse(emptyJson.stdout)).to.deep.include({ items: [] });

      const author = await postListing(daemon!.api, "stoa-dev", randomPrivateKey(), "bicycle for the CLI");
      const [text, json, filtered, byAuthor, other] = await Promise.all([
        inRepo("records", "listings", "bicycle"),
        inRepo("records", "listings", "bicycle", "--json"),
        inRepo("records", "listings", "--filter", "category=books", "--json"),
        inRepo("records", "listings", "--author", author, "--limit", "5", "--json"),
        inRepo("records", "listings", "piano"),
      ]);
      expect(text.code, text.stderr).to.equal(0);
      expect(text.stdout).to.match(/^\S{12}… {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}0x\S{8}… {2}bicycle for the CLI\n$/);
      const page = JSON.parse(json.stdout) as Page;
      expect(page.items).to.have.length(1);
      expect(page.items[0]!.body.title).to.equal("bicycle for the CLI");
      expect(page.items[0]!.author.toLowerCase()).to.equal(author.toLowerCase());
      expect((JSON.parse(filtered.stdout) as Page).items).to.deep.equal([]);
      expect((JSON.parse(byAuthor.stdout) as Page).items.map((r) => r.id)).to.deep.equal([page.items[0]!.id]);
      expect(other.stdout).to.equal("no records\n");
    });

    it("records: a query the daemon refuses is bad usage, with the reason", async function () {
      const [limit, sort] = await Promise.all([
        inRepo("records", "listings", "--limit", "many"),
        inRepo("records", "listings", "--sort", "cheapest"),
      ]);
      expectCleanError(limit, "limit must be a whole number", 2);
      expectCleanError(sort, "sorts: newest, oldest", 2);
    });

    // Before connect: libp2p would answer a dial to a connected peer with the open connection.
    it("connect: an unreachable loopback address, a malformed multiaddr", async function () {
      const closedPort = await freePort();
      const unreachable = `/ip4/127.0.0.1/tcp/${closedPort}/p2p/${peerSummary.peerId}`;
      const [dial, malformed] = await Promise.all([inRepo("connect", unreachable), inRepo("connect", "/ip4/1.2.3")]);
      expectCleanError(dial, `could not connect to ${unreachable}`, 1);
      expectCleanError(malformed, "not a multiaddr: /ip4/1.2.3", 2);
    });

    it("connect dials the second daemon; peers lists it", async function () {
      const address = peerSummary.addresses.find((a) => /\/tcp\/\d+\/p2p\//.test(a))!;
      const connect = await inRepo("connect", address);
      expect(connect.code, connect.stderr).to.equal(0);
      expect(connect.stdout).to.equal(`connected to ${address}\n`);

      const [text, json] = await Promise.all([inRepo("peers"), inRepo("peers", "--json")]);
      expect(text.stdout).to.include(peerSummary.peerId);
      const peers = (JSON.parse(json.stdout) as { peers: { peerId: string }[] }).peers.map((p) => p.peerId);
      expect(peers).to.include(peerSummary.peerId);
      const again = await inRepo("connect", address, "--json");
      expect((JSON.parse(again.stdout) as { peerId: string }).peerId).to.equal(peerSummary.peerId);
    });

    it("a second daemon on the same repo is refused before it starts anything", async function () {
      const result = await stoa(["--repo", repo, "daemon"], { env: { STOA_API_PORT: String(await freePort()) } });
      expectCleanError(result, `cannot read the node's key store ${join(repo, "node", "data")}`, 1);
      expect(result.stderr).to.include("Is a `stoa daemon` running on this repo?");
      expect(result.stderr).not.to.include("starting the dev chain");
    });

    it("SIGINT stops the daemons with exit code 0; the repo works again and a restart serves the same file", async function () {
      const [code, peerCode] = await Promise.all([daemon!.stop("SIGINT"), peer!.stop("SIGTERM")]);
      expect(code, daemon!.stderr()).to.equal(0);
      expect(peerCode, peer!.stderr()).to.equal(0);
      expect(daemon!.stderr()).to.include("... SIGINT: stopping");

      const [id, port, status] = await Promise.all([
        inRepo("id", "--json"),
        inRepo("config", "get", "api.port"),
        inRepo("status"),
      ]);
      expect(id.code, id.stderr).to.equal(0);
      expect(JSON.parse(id.stdout)).to.deep.include({ peerId: offlinePeerId, addresses: [] });
      expect(port.stdout).to.equal(`${apiPort}\n`);
      expectCleanError(status, "no daemon answers", 1);

      daemon = await startStoaDaemon(["--repo", repo]);
      const cat = await inRepo("cat", addedCid);
      expect(cat.code, cat.stderr).to.equal(0);
      expect(cat.bytes.equals(fileBytes)).to.equal(true);
      const records = await inRepo("records", "listings", "--json");
      expect((JSON.parse(records.stdout) as Page).items).to.have.length(1);
      expect(await daemon.stop("SIGINT"), daemon.stderr()).to.equal(0);
    });
  });
});
