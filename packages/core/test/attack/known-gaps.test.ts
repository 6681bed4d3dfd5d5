import { expect } from "chai";
import type { Peer } from "../harness/harness.ts";
import { signedListing, wallet } from "../harness/records.ts";
import { describeMs, FAMILY, report, sleep, startNetwork, type Network } from "./network.ts";

/**
 * Attacks the current code does not withstand, each as a test that states what should hold and
 * fails today. They are skipped unless STOA_KNOWN_GAPS=1, so that the suite stays green while
 * the production code is fixed:
 *
 *   STOA_KNOWN_GAPS=1 npx mocha --no-config --timeout 180000 test/attack/known-gaps.test.ts
 */
const gaps = process.env.STOA_KNOWN_GAPS ? describe : describe.skip;

gaps("known gaps: a forger dialling A (A - B)", function () {
  this.timeout(120_000);
  let net: Network;
  let a: Peer, b: Peer;

  beforeEach(async function () {
    const env = { PEER_POLICY: JSON.stringify({ authorRate: { max: 10, windowMs: 60_000 } }) };
    net = await startNetwork({ honest: { a: env, b: env }, links: [["a", "b"]], forgerLinks: ["a"] });
    [a, b] = ["a", "b"].map((name) => net.peers.get(name)!) as [Peer, Peer];
  });

  afterEach(async function () {
    await net?.close();
  });

  // OrbitDB appends with `next` = every current head (plus up to 15 `refs` from deeper in the
  // log), and the access controller refuses any entry with more than MAX_ENTRY_LINKS (64) links,
  // its own node's included. Valid entries with an empty `next` each become a head: past 64 of
  // them (~50 in a log with history) no node can write to the database any more, for good (heads
  // are persistent). 80 fresh wallets, one record each, do it; so would enough honest nodes
  // writing while partitioned.
  it("keeps a database writable after 80 valid records with an empty `next` from fresh wallets", async function () {
    const spam = await net.forger!.prepareFlood({
      family: FAMILY,
      kinds: ["valid"],
      ratePerSec: 50,
      durationMs: 1_600,
    });
    await net.forger!.flood();
    const ids = spam.entries.flatMap((e) => e.recordIds);
    await a.waitForArrivals(ids, 15_000);
    await b.waitForArrivals(ids, 15_000);
    report("heads on A", (await a.log(FAMILY)).heads.length);
    const [put] = await a.putPaced(FAMILY, [signedListing(wallet(), 1)], 0);
    report("put on A", put!.error ?? `${Math.round(put!.ms)} ms`);
    report("A's refusals", (await a.stats()).refusals);
    expect(put!.error).to.equal(undefined);
  });

  // The heads exchange (/orbitdb/heads/<address>) hands entries straight to OrbitDB's queue,
  // which local puts share. Each valid entry whose `next` nobody has holds that queue for the 2 s
  // entry-fetch timeout; nothing limits how many a peer pushes, or how often.
  it("keeps puts fast while a peer pushes five valid entries with a dangling `next` through the heads exchange", async function () {
    await net.forger!.pushHeads(
      FAMILY,
      Array.from({ length: 5 }, () => "dangling-next" as const),
      [a],
    );
    const [put] = await a.putPaced(FAMILY, [signedListing(wallet(), 2)], 0);
    report("put on A behind five dangling entries from the heads exchange", `${Math.round(put!.ms)} ms`);
    expect(put!.ms).to.be.below(3_000);
  });

  // Relay budgets and per-author rate limits live in the gossip validator; the heads exchange
  // bypasses it, so one peer can push any number of valid records, from one wallet or many.
  it("bounds one author's records pushed through the heads exchange by its rate limit", async function () {
    const author = wallet();
    const kinds = Array.from({ length: 40 }, () => "valid" as const);
    const pushed = await net.forger!.pushHeads(FAMILY, kinds, [a], { authorKey: author.key });
    await sleep(2_000);
    const ids = pushed.entries.flatMap((e) => e.recordIds);
    const indexed = (await a.arrivals(ids)).filter((t) => t !== null).length;
    report(
      "one author's records pushed through the heads exchange, indexed on A (limit 10 a minute)",
      `${indexed} of 40`,
    );
    expect(indexed).to.be.at.most(11);
  });
});

// With the default relay budget (240 a minute, all of it as a burst), 50/s of valid spam through
// one relay is admitted at line rate for ~5 s: validation, joins, pins and indexing overload the
// relay's event loop for seconds. Seen on a 2-core machine: a neighbour closes its connection to
// the relay (its pings time out) and, without discovery, never reconnects, so the logs split
// for good; or a node crashes on an unhandled rejection (@helia/utils' graph walker rethrows a
// pin timeout, the 2 s entry-storage timeout, into a promise nobody awaits); or the relay's
// independent spam heads make the database unwritable (first test above).
gaps("known gaps: valid spam at 50/s with the default relay budget (A - B - C, the spammer dials B)", function () {
  this.timeout(120_000);
  let net: Network;

  before(async function () {
    net = await startNetwork({
      honest: { a: {}, b: {}, c: {} },
      links: [
        ["a", "b"],
        ["b", "c"],
      ],
      forgerLinks: ["b"],
    });
  });

  after(async function () {
    await net?.close();
  });

  it("keeps every node up and connected, and a registered author's records reach C within 10 s", async function () {
    const [a, b, c] = ["a", "b", "c"].map((name) => net.peers.get(name)!) as [Peer, Peer, Peer];
    const author = wallet();
    for (const node of [a, b, c]) await node.register(author.address);
    await net.forger!.prepareFlood({ family: FAMILY, kinds: ["valid"], ratePerSec: 50, durationMs: 8_000 });
    const flooding = net.forger!.flood();
    await sleep(300);
    const puts = await a.putPaced(
      FAMILY,
      Array.from({ length: 16 }, (_, i) => signedListing(author, i)),
      500,
    );
    await flooding;
    const arrived = await c.waitForArrivals(
      puts.map((p) => p.id),
      10_000,
    );
    const times = puts.flatMap((p, i) => (arrived[i] === null ? [] : [arrived[i]! - p.startedAt]));
    report(
      "arrival on C",
      `${times.length ? describeMs(times) : "none"}, ${arrived.filter((t) => t === null).length} missing`,
    );
    report("connections of A, B, C", await Promise.all([a, b, c].map(async (n) => (await n.stats()).peers)));
    expect(puts.filter((p) => p.error)).to.deep.equal([]);
    expect(arrived).to.not.include(null);
    for (const node of [a, c]) expect((await node.stats()).peers, `${node.name}'s connections`).to.be.at.least(1);
  });
});
