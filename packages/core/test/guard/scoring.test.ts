import { recordDigest } from "@stoa/protocol";
import { expect } from "chai";
import { InvalidOptionError } from "../../src/errors.ts";
import { DEFAULT_PEER_SCORING, PeerPenalties } from "../../src/guard/scoring.ts";
import { documentOf, GuardedPeer, NETWORK, profile, sleep, waitFor, wallet, type CraftedEntry } from "./fixtures.ts";

describe("PeerPenalties", function () {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it("graylists after ten forgeries, not nine", function () {
    const penalties = new PeerPenalties({}, clock);
    for (let i = 0; i < 9; i++) penalties.penalize("forger", "reject");
    expect(penalties.isGraylisted("forger")).to.equal(false);
    penalties.penalize("forger", "reject");
    expect(penalties.isGraylisted("forger")).to.equal(true);
    expect(penalties.score("forger")).to.equal(-100);
  });

  it("decays with its half-life, without any timer", function () {
    const penalties = new PeerPenalties({}, clock);
    for (let i = 0; i < 10; i++) penalties.penalize("forger", "reject");
    now += DEFAULT_PEER_SCORING.halfLifeMs;
    expect(penalties.points("forger")).to.be.closeTo(50, 1e-9);
    expect(penalties.isGraylisted("forger")).to.equal(false);
    now += 20 * DEFAULT_PEER_SCORING.halfLifeMs;
    expect(penalties.points("forger")).to.equal(0);
    expect(penalties.peers()).to.deep.equal([]);
  });

  it("charges policy refusals and unfetchable ancestors lightly", function () {
    const penalties = new PeerPenalties({}, clock);
    for (let i = 0; i < 100; i++) penalties.penalize("relay", "policy");
    for (let i = 0; i < 10; i++) penalties.penalize("slow", "unfetchable");
    expect(penalties.points("relay")).to.be.closeTo(10, 1e-9);
    expect(penalties.points("slow")).to.be.closeTo(10, 1e-9);
    expect(penalties.peers().map((p) => p.peer)).to.have.members(["relay", "slow"]);
  });

  it("keeps one table per instance (per node)", function () {
    const a = new PeerPenalties({}, clock);
    const b = new PeerPenalties({}, clock);
    a.penalize("peer", "reject");
    expect(b.points("peer")).to.equal(0);
    const { scoreParams, scoreThresholds } = a.gossipsubOptions();
    expect(scoreParams.appSpecificScore?.("peer")).to.equal(-10);
    expect(scoreParams.appSpecificWeight).to.equal(1);
    expect(scoreThresholds.graylistThreshold).to.equal(-95);
  });

  it("refuses options gossipsub would refuse", function () {
    expect(() => new PeerPenalties({ graylistThreshold: -10 })).to.throw(InvalidOptionError);
    expect(() => new PeerPenalties({ halfLifeMs: 0 })).to.throw(InvalidOptionError);
  });
});

describe("gossipsub graylisting of a flooding forger (two peers, TCP on 127.0.0.1)", function () {
  this.timeout(60_000);
  let victim: GuardedPeer;
  let forger: GuardedPeer;

  before(async function () {
    victim = await GuardedPeer.start("victim");
    forger = await GuardedPeer.start("forger", { guard: false });
    await forger.dial(victim);
    await forger.waitForSubscriber(victim);
    await victim.waitForSubscriber(forger);
  });

  after(async function () {
    await forger?.stop();
    await victim?.stop();
  });

  const forgery = async (): Promise<CraftedEntry> => {
    const record = profile(wallet());
    const tampered = { ...record, body: { name: `${record.body.name} (tampered)` } };
    return forger.craft(documentOf(tampered, recordDigest(NETWORK, tampered)));
  };

  it("drops everything the forger sends once about ten forgeries were rejected", async function () {
    const flood = await Promise.all(Array.from({ length: 60 }, forgery));
    const started = performance.now();
    // 50 messages per second, like the spike's flood
    let sent = 0;
    const score = () => victim.guard.stats().peers.find((p) => p.peer === forger.peerId)?.score ?? 0;
    while (sent < 30) {
      await forger.publish(flood[sent++]!);
      await sleep(20);
    }
    await waitFor(() => score() < -95, 10_000, "the forger's gossipsub score to fall below the graylist threshold");
    const graylistedAfterMs = performance.now() - started;
    const validated = victim.v.stats().messages;
    expect(victim.v.stats().rejected).to.be.at.least(10);
    // gossipsub caches scores and trusts well-scored peers for up to 1 s: past that, nothing gets through
    await sleep(1_100);
    const before = victim.v.stats().messages;
    while (sent < 60) await forger.publish(flood[sent++]!);
    await sleep(1_000);
    expect(victim.v.stats().messages).to.equal(before);
    expect(victim.refusals.counts()["bad-signature"]).to.be.at.least(10);
    const stats = victim.guard.stats();
    expect(stats.peers[0]).to.include({ peer: forger.peerId, graylisted: true });
    expect(graylistedAfterMs).to.be.below(5_000);
    expect(validated).to.be.below(60);
  });
});
