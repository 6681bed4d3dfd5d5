import { expect } from "chai";
import { Forger, type Peer, type PeerStats } from "../harness/harness.ts";
import type { PacedPut } from "../harness/peer.ts";
import { signedListing, wallet, type Wallet } from "../harness/records.ts";
import { describeMs, FAMILY, report, sleep, startNetwork, type Network } from "./network.ts";

/**
 * The relay budget of every node here: 4 records a second from authors a node does not know yet,
 * per relaying peer, as the default (240 a minute), but a burst of 20 instead of 240. With the
 * default burst, 50/s of valid spam overloads the relay for five seconds, which splits the
 * network (test/attack/known-gaps.test.ts).
 */
const RELAY_BUDGET = { max: 20, windowMs: 5_000 };
const SPAM_RATE = 50;
const SPAM_MS = 6_000;
/** Legitimate listings written on A during a flood, one every 500 ms. */
const WRITES = 12;

/**
 * Valid spam: records from fresh wallets, each valid, published at 50/s by a peer connected to B
 * only, in a line A - B - C. A legitimate author writes on A; what it writes reaches C only
 * through B, whose relay budget at C the spam it relays also spends.
 */
describe("valid spam from fresh wallets through one relay (A - B - C, the spammer dials B)", function () {
  this.timeout(120_000);
  let net: Network;
  let a: Peer, b: Peer, c: Peer;
  const spammers: Forger[] = [];

  before(async function () {
    const env = { PEER_POLICY: JSON.stringify({ relayBudget: RELAY_BUDGET }) };
    net = await startNetwork({
      honest: { a: env, b: env, c: env },
      links: [
        ["a", "b"],
        ["b", "c"],
      ],
      forgerLinks: ["b"],
    });
    [a, b, c] = ["a", "b", "c"].map((name) => net.peers.get(name)!) as [Peer, Peer, Peer];
    spammers.push(net.forger!);
  });

  after(async function () {
    await Promise.all(spammers.slice(1).map((s) => s.kill()));
    await net?.close();
  });

  /** Writes WRITES listings by `author` on A, one every 500 ms, during a spam flood from `spammer` if any. */
  async function writeDuring(spammer: Forger | undefined, author: Wallet, first: number, waitMs = 10_000) {
    const spam = spammer
      ? await spammer.prepareFlood({ family: FAMILY, kinds: ["valid"], ratePerSec: SPAM_RATE, durationMs: SPAM_MS })
      : undefined;
    const before = await Promise.all([a, b, c].map((n) => n.stats()));
    const flooding = spammer?.flood();
    await sleep(300);
    const envelopes = Array.from({ length: WRITES }, (_, i) => signedListing(author, first + i));
    const puts = await a.putPaced(FAMILY, envelopes, 500);
    await flooding;
    expect(puts.filter((p) => p.error)).to.deep.equal([]);
    const arrived = await c.waitForArrivals(
      puts.map((p) => p.id),
      waitMs,
    );
    const after = await Promise.all([a, b, c].map((n) => n.stats()));
    const spamIds = spam?.entries.flatMap((e) => e.recordIds) ?? [];
    const spamIndexed = await Promise.all(
      [a, b, c].map(async (n) => (await n.arrivals(spamIds)).filter((t) => t !== null).length),
    );
    return { puts, arrived, before, after, spamIndexed };
  }

  function arrivalFigure(puts: PacedPut[], arrived: (number | null)[]): string {
    const missing = arrived.filter((t) => t === null).length;
    const times = puts.flatMap((p, i) => (arrived[i] === null ? [] : [arrived[i]! - p.startedAt]));
    return `${times.length ? describeMs(times) : "none"}${missing ? `; ${missing} of ${puts.length} missing` : ""}`;
  }

  const refused = (before: PeerStats, after: PeerStats, reason: "relay-budget") =>
    (after.refusals[reason] ?? 0) - (before.refusals[reason] ?? 0);

  it("measures a legitimate record's arrival on C without spam", async function () {
    const { puts, arrived } = await writeDuring(undefined, wallet(), 0);
    report("arrival on C without spam", arrivalFigure(puts, arrived));
    expect(arrived).to.not.include(null);
  });

  it("refuses spam beyond B's relay budget, and a registered author's records arrive during a 50/s flood", async function () {
    const author = wallet();
    for (const node of [a, b, c]) await node.register(author.address);
    const { puts, arrived, before, after, spamIndexed } = await writeDuring(spammers[0], author, 100);
    const sent = (SPAM_RATE * SPAM_MS) / 1000;
    report("arrival on C of a registered author's records during the flood", arrivalFigure(puts, arrived));
    report("spam indexed on A, B, C", `${spamIndexed.join(", ")} of ${sent}`);
    report(
      "relay-budget refusals on A, B, C",
      [0, 1, 2].map((i) => refused(before[i]!, after[i]!, "relay-budget")),
    );
    expect(arrived).to.not.include(null);
    // B admits the burst and 4/s from the spammer, and refuses the rest by its relay budget.
    const admissible = RELAY_BUDGET.max + ((SPAM_MS + 2_000) * RELAY_BUDGET.max) / RELAY_BUDGET.windowMs;
    expect(spamIndexed[1]).to.be.at.most(admissible);
    expect(refused(before[1]!, after[1]!, "relay-budget")).to.be.at.least(sent - admissible);
    expect(spamIndexed[2]).to.be.at.most(spamIndexed[1]!);
  });

  it("delays an unregistered author's records behind the spam B relays, until the budget refills", async function () {
    const spammer = await Forger.spawn("spammer-2", `${b.dir}-spammer-2`);
    spammers.push(spammer);
    await spammer.dial(b);
    await spammer.waitForSubscribers(FAMILY, [b]);
    const author = wallet();
    const { puts, arrived, before, after } = await writeDuring(spammer, author, 200, 3_000);
    report("arrival on C of an unregistered author's records during the flood", arrivalFigure(puts, arrived));
    const onC = refused(before[2]!, after[2]!, "relay-budget");
    report("relay-budget refusals on C (B relaying)", onC);
    // What B relays to C, spam and honest records alike, spends B's budget at C: the author's
    // records that find it empty are refused there, and stay in A's and B's logs.
    const reasons = (await c.refusalsOf(puts.map((p) => p.entry))).flat();
    expect(new Set(reasons), "why C refused the author's records").to.deep.equal(
      new Set(reasons.length ? ["relay-budget"] : []),
    );
    // Once the budget refills, the next write on A brings whatever C missed along as ancestors.
    // (A window and a margin: a relayed spam entry that reached C late spends C's budget late.)
    await sleep(RELAY_BUDGET.windowMs + 2_000);
    const [next] = await a.putPaced(FAMILY, [signedListing(author, 300)], 0);
    const late = await c.waitForArrivals([next!.id, ...puts.map((p) => p.id)], 10_000);
    report("next write on A after the refill, arrival on C", `${late[0]! - next!.startedAt} ms`);
    expect(late).to.not.include(null);
  });

  it("ends with the same OrbitDB log on every node once each has written again", async function () {
    // Spam admitted by one node and refused by another as over the relay's budget stays where it
    // was admitted: nothing offers it again (no anti-entropy), so the logs differ by a few spam
    // entries. They are not split: a node's next write carries its heads, and its neighbours take
    // them as ancestors once their budget for it has refilled.
    const apart = await Promise.all([a, b, c].map((n) => n.log(FAMILY)));
    report(
      "logs on A, B, C after the floods",
      apart.map((l) => `${l.entries} entries, ${l.heads.length} head(s)`),
    );
    await sleep(RELAY_BUDGET.windowMs + 2_000);
    const author = wallet();
    const ids: string[] = [];
    for (const [i, node] of [b, c, a].entries()) ids.push((await node.put(FAMILY, signedListing(author, 400 + i))).id);
    for (const node of [a, b, c]) expect(await node.waitForArrivals(ids, 10_000)).to.not.include(null);
    await sleep(1_000);
    const logs = await Promise.all([a, b, c].map((n) => n.log(FAMILY)));
    report(
      "logs on A, B, C after one write each",
      logs.map((l) => `${l.entries} entries, ${l.heads.length} head(s), ${l.digest.slice(0, 12)}`),
    );
    expect(logs[1]).to.deep.equal(logs[0]);
    expect(logs[2]).to.deep.equal(logs[0]);
  });
});
