import { TopicValidatorResult } from "@libp2p/gossipsub";
import { buildRecord, delegate, recordDigest, signRecord, type SignedRecord } from "@stoa/protocol";
import { expect } from "chai";
import { base58btc } from "multiformats/bases/base58";
import { CID } from "multiformats/cid";
import type { RefusalReason } from "../../src/guard/refusals.ts";
import {
  documentOf,
  GuardedPeer,
  missingBlock,
  NETWORK,
  profile,
  wallet,
  type CraftedEntry,
  type Wallet,
} from "./fixtures.ts";

const { Accept, Reject, Ignore } = TopicValidatorResult;
const RELAY = "12D3KooWRelayUsedOnlyAsAKeyInTheseTests";
let peers = 0;
/** A peer id of its own for each message, so that penalties from one test never graylist the next. */
const somePeer = () => `12D3KooWPeer${++peers}`;

describe("GossipValidator (guard 2)", function () {
  this.timeout(60_000);
  let v: GuardedPeer; // the validating peer
  let f: GuardedPeer; // a forger: crafts entries, serves blocks, publishes
  let alice: Wallet;

  before(async function () {
    v = await GuardedPeer.start("v", {
      guardOptions: { blockTimeoutMs: 400, retryTimeoutMs: 100, maxWalk: 3 },
      limits: { authorRate: { max: 10_000, windowMs: 60_000 }, relayBudget: { max: 10_000, windowMs: 60_000 } },
    });
    f = await GuardedPeer.start("f", { guard: false });
    await f.dial(v);
    alice = wallet();
  });

  after(async function () {
    await f?.stop();
    await v?.stop();
  });

  /** Validates `entry` as if `peer` had relayed it; checks the result and the refusal counted. */
  async function expectOutcome(
    entry: CraftedEntry,
    result: TopicValidatorResult,
    reason?: RefusalReason,
    peer = somePeer(),
  ): Promise<void> {
    const before = v.refusals.counts()[reason ?? "undecodable"] ?? 0;
    expect(await v.v.validate(peer, { data: entry.bytes })).to.equal(result);
    if (reason) expect(v.refusals.counts()[reason], reason).to.equal(before + 1);
  }

  const valid = (w: Wallet = alice, createdAt?: number) => f.craft(documentOf(profile(w, {}, createdAt)));

  describe("forgeries (shared rules): Reject", function () {
    it("accepts a valid record", async function () {
      await expectOutcome(await valid(), Accept);
    });

    it("rejects bytes that are not an entry", async function () {
      await expectOutcome({ hash: "", bytes: new TextEncoder().encode("not cbor at all") }, Reject, "undecodable");
    });

    it("rejects a record whose signature is not its author's", async function () {
      const record = profile(alice);
      const tampered = { ...record, body: { name: "someone else" } };
      await expectOutcome(
        await f.craft(documentOf(tampered, recordDigest(NETWORK, tampered))),
        Reject,
        "bad-signature",
      );
    });

    it("rejects an entry whose OrbitDB signature does not match its key", async function () {
      const doc = documentOf(profile(alice));
      await expectOutcome(
        await f.craft(doc, { override: { key: v.orbitdb.identity.publicKey } }),
        Reject,
        "entry-signature",
      );
      await expectOutcome(await f.craft(doc, { override: { sig: "00" } }), Reject, "entry-signature");
    });

    it("rejects an entry of another log", async function () {
      const entry = await f.craft(documentOf(profile(alice)), { logId: "/orbitdb/zdpuAnotherDatabaseAltogether" });
      await expectOutcome(entry, Reject, "wrong-database");
    });

    it("rejects oversized fields and records off the schema", async function () {
      const long = signRecord(NETWORK, buildRecord("profile", alice.address, { name: "x".repeat(65) }), alice.key);
      await expectOutcome(await f.craft(documentOf(long, recordDigest(NETWORK, long))), Reject, "invalid-record");
      const extra = { ...profile(alice), admin: true } as unknown as SignedRecord;
      await expectOutcome(await f.craft(documentOf(extra, recordDigest(NETWORK, extra))), Reject, "invalid-record");
      const listing = signRecord(
        NETWORK,
        buildRecord("listing", alice.address, {
          key: "k",
          title: "a listing in the profiles database",
          description: "",
          category: "home",
          price: "1",
          currency: "ETH",
          kind: "physical",
          quantity: 1,
          images: [],
          status: "active",
        }),
        alice.key,
      );
      await expectOutcome(await f.craft(documentOf(listing, recordDigest(NETWORK, listing))), Reject, "invalid-record");
    });

    it("rejects records signed under an expired or out-of-scope delegation", async function () {
      const app = wallet();
      const now = Date.now();
      const expired = delegate(NETWORK, alice.key, app.address, ["profile"], now - 1_000, now - 60_000);
      const late = signRecord(NETWORK, buildRecord("profile", alice.address, { name: "late" }), app.key, expired);
      await expectOutcome(
        await f.craft(documentOf(late, recordDigest(NETWORK, late, app.address))),
        Reject,
        "bad-delegation",
      );
      const listingsOnly = delegate(NETWORK, alice.key, app.address, ["listing"], now + 60_000, now - 1_000);
      const off = signRecord(NETWORK, buildRecord("profile", alice.address, { name: "off" }), app.key, listingsOnly);
      await expectOutcome(
        await f.craft(documentOf(off, recordDigest(NETWORK, off, app.address))),
        Reject,
        "bad-delegation",
      );
    });

    it("rejects an overwrite of another author's record id, and a delete", async function () {
      const victim = await v.put(profile(alice));
      const victimId = (await v.db.log.get(victim))!.payload.key;
      const mallory = wallet();
      await expectOutcome(await f.craft(documentOf(profile(mallory), victimId)), Reject, "id-mismatch");
      await expectOutcome(await f.craft(null, { op: "DEL", key: victimId }), Reject, "op-not-allowed");
    });

    it("rejects a replayed forgery from memory, without verifying it again", async function () {
      const tampered = { ...profile(alice), body: { name: "again" } };
      const forged = await f.craft(documentOf(tampered, recordDigest(NETWORK, tampered)));
      await expectOutcome(forged, Reject, "bad-signature");
      const started = performance.now();
      await expectOutcome(forged, Reject, "bad-signature");
      expect(performance.now() - started).to.be.below(5);
    });
  });

  describe("known entries and ancestors", function () {
    it("accepts an entry already in the log at once", async function () {
      const hash = await v.put(profile(alice));
      const chunks: Uint8Array[] = [];
      for await (const chunk of v.helia.blockstore.get(CID.parse(hash, base58btc))) chunks.push(chunk);
      const known = v.v.stats().known;
      await expectOutcome({ hash, bytes: chunks[0]! }, Accept);
      expect(v.v.stats().known).to.equal(known + 1);
    });

    it("ignores a valid record whose parent nobody has, without caching it as bad", async function () {
      const parent = await valid();
      const child = await f.craft(documentOf(profile(alice)), { next: [parent.hash] });
      await expectOutcome(child, Ignore, "unresolvable-ancestor");
      await expectOutcome(await f.craft(documentOf(profile(alice)), { next: [await missingBlock()] }), Ignore);
      // the parent appears (the forger serves it over bitswap): the same child is now accepted
      await f.serve(parent);
      const walked = v.v.stats().walked;
      await expectOutcome(child, Accept);
      expect(v.v.stats().walked).to.equal(walked + 1);
    });

    it("rejects an entry with a forged ancestor", async function () {
      const tampered = { ...profile(alice), body: { name: "forged parent" } };
      const parent = await f.craft(documentOf(tampered, recordDigest(NETWORK, tampered)));
      await f.serve(parent);
      await expectOutcome(
        await f.craft(documentOf(profile(alice)), { next: [parent.hash] }),
        Reject,
        "invalid-ancestor",
      );
      await expectOutcome(
        await f.craft(documentOf(profile(alice)), { next: ["not-a-cid"] }),
        Reject,
        "invalid-ancestor",
      );
    });

    it("fetches a shared missing ancestor once for concurrent messages", async function () {
      const parent = await valid();
      await f.serve(parent);
      const children = await Promise.all(
        [1, 2, 3].map(async () => f.craft(documentOf(profile(wallet())), { next: [parent.hash] })),
      );
      const fetched = v.v.stats().fetch.fetched;
      const results = await Promise.all(children.map((c) => v.v.validate(somePeer(), { data: c.bytes })));
      expect(results).to.deep.equal([Accept, Accept, Accept]);
      expect(v.v.stats().fetch.fetched).to.equal(fetched + 1);
    });

    it("hands a catch-up longer than maxWalk to OrbitDB", async function () {
      let next: string[] = [];
      for (let i = 0; i < 5; i++) {
        const entry = await f.craft(documentOf(profile(alice)), { next });
        await f.serve(entry);
        next = [entry.hash];
      }
      const { handedOver, walked } = v.v.stats();
      await expectOutcome(await f.craft(documentOf(profile(alice)), { next }), Accept);
      expect(v.v.stats().handedOver).to.equal(handedOver + 1);
      expect(v.v.stats().walked).to.equal(walked + 3);
    });

    it("checks freshness on the gossiped entry only: old ancestors are fine", async function () {
      const old = await valid(alice, Date.now() - 24 * 3_600_000);
      await f.serve(old);
      await expectOutcome(await f.craft(documentOf(profile(alice)), { next: [old.hash] }), Accept);
    });
  });

  describe("local policy: Ignore, light penalty", function () {
    it("ignores a denied author's valid record", async function () {
      const mallory = wallet();
      v.policy.deny(mallory.address);
      await expectOutcome(await valid(mallory), Ignore, "denied-author", RELAY);
      v.policy.allow(mallory.address);
      await expectOutcome(await valid(mallory), Accept, undefined, RELAY);
    });

    it("ignores records signed by a revoked app key after the revocation", async function () {
      const app = wallet();
      const now = Date.now();
      const grant = delegate(NETWORK, alice.key, app.address, ["profile"], now + 3_600_000, now - 60_000);
      const signed = () =>
        signRecord(NETWORK, buildRecord("profile", alice.address, { name: `app ${Math.random()}` }), app.key, grant);
      await expectOutcome(await f.craft(documentOf(signed())), Accept);
      v.policy.revoke({ author: alice.address, delegate: app.address, since: Date.now() - 1 });
      await expectOutcome(await f.craft(documentOf(signed())), Ignore, "revoked-delegate");
    });

    it("ignores a gossiped record dated too far in the past or the future", async function () {
      await expectOutcome(await valid(alice, Date.now() - 31 * 60_000), Ignore, "stale-record");
      await expectOutcome(await valid(alice, Date.now() + 6 * 60_000), Ignore, "stale-record");
      await expectOutcome(await valid(alice, Date.now() - 29 * 60_000), Accept);
    });

    it("records who and what each refusal was about", async function () {
      const events: unknown[] = [];
      const listener = (e: Event) => events.push((e as CustomEvent).detail);
      v.refusals.addEventListener("refused", listener);
      const mallory = wallet();
      v.policy.deny(mallory.address);
      const entry = await valid(mallory);
      await v.v.validate(RELAY, { data: entry.bytes });
      v.refusals.removeEventListener("refused", listener);
      expect(events).to.deep.equal([
        { reason: "denied-author", family: "profiles", entry: entry.hash, author: mallory.address, peer: RELAY },
      ]);
    });

    it("penalises forgers heavily and policy refusals lightly", async function () {
      const honest = "12D3KooWHonestRelayWithAStaleDenyList";
      const mallory = wallet();
      v.policy.deny(mallory.address);
      for (let i = 0; i < 20; i++) await v.v.validate(honest, { data: (await valid(mallory)).bytes });
      expect(v.guard.penalties.points(honest)).to.be.closeTo(2, 0.05);
      expect(v.guard.penalties.isGraylisted(honest)).to.equal(false);
      const forger = "12D3KooWForger";
      const tampered = () => {
        const r = profile(alice);
        const t = { ...r, body: { name: `${r.body.name}!` } };
        return f.craft(documentOf(t, recordDigest(NETWORK, t)));
      };
      for (let i = 0; i < 9; i++) await v.v.validate(forger, { data: (await tampered()).bytes });
      expect(v.guard.penalties.isGraylisted(forger)).to.equal(false);
      await v.v.validate(forger, { data: (await tampered()).bytes });
      expect(v.guard.penalties.isGraylisted(forger)).to.equal(true);
      // from now on its messages are dropped unread
      const dropped = v.v.stats().dropped;
      expect(await v.v.validate(forger, { data: (await valid()).bytes })).to.equal(Ignore);
      expect(v.v.stats().dropped).to.equal(dropped + 1);
    });
  });

  describe("rate limits and relay budgets", function () {
    let strict: GuardedPeer;
    before(async function () {
      strict = await GuardedPeer.start("strict", {
        limits: {
          authorRate: { max: 3, windowMs: 60_000 },
          relayBudget: { max: 3, windowMs: 60_000 },
          knownAuthorAfterMs: 3_600_000,
        },
      });
      await f.dial(strict);
    });
    after(async function () {
      await strict?.stop();
    });

    const counted = (reason: RefusalReason) => strict.refusals.counts()[reason] ?? 0;

    it("limits records per author, charged only after authentication", async function () {
      const bob = wallet();
      strict.policy.register(bob.address); // outside the relay budget: only the author limit applies
      // forgeries in bob's name cost bob nothing
      for (let i = 0; i < 5; i++) {
        const t = { ...profile(bob), body: { name: `not bob ${i}` } };
        const forged = await f.craft(documentOf(t, recordDigest(NETWORK, t)));
        expect(await strict.v.validate(RELAY, { data: forged.bytes })).to.equal(Reject);
      }
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await strict.v.validate(RELAY, { data: (await valid(bob)).bytes }));
      expect(results).to.deep.equal([Accept, Accept, Accept, Ignore]);
      expect(counted("rate-limited")).to.equal(1);
    });

    it("charges a record once, however often it arrives", async function () {
      const carol = wallet();
      strict.policy.register(carol.address);
      const record = profile(carol);
      for (let i = 0; i < 5; i++) {
        // the same record in five different entries (another clock each), from five relays
        const entry = await f.craft(documentOf(record));
        expect(await strict.v.validate(`relay-${i}`, { data: entry.bytes })).to.equal(Accept);
      }
      expect(strict.guard.limits.stats().charged).to.be.greaterThan(0);
    });

    it("limits records from unknown authors per relaying peer", async function () {
      const before = counted("relay-budget");
      const results = [];
      for (let i = 0; i < 4; i++)
        results.push(await strict.v.validate("spammy-relay", { data: (await valid(wallet())).bytes }));
      expect(results).to.deep.equal([Accept, Accept, Accept, Ignore]);
      expect(counted("relay-budget")).to.equal(before + 1);
      // over budget, a flood is refused on what it claims: no signature is verified
      const spam = await valid(wallet());
      expect(await strict.v.validate("spammy-relay", { data: spam.bytes })).to.equal(Ignore);
      expect(strict.cache.get(spam.hash)).to.equal(undefined);
      // another relay has its own budget; registered authors are outside every budget
      expect(await strict.v.validate("other-relay", { data: (await valid(wallet())).bytes })).to.equal(Accept);
      const dave = wallet();
      strict.policy.register(dave.address);
      expect(await strict.v.validate("spammy-relay", { data: (await valid(dave)).bytes })).to.equal(Accept);
    });

    it("counts the ancestors a message brings in against the relay budget", async function () {
      let next: string[] = [];
      for (let i = 0; i < 3; i++) {
        const entry = await f.craft(documentOf(profile(wallet())), { next });
        await f.serve(entry);
        next = [entry.hash];
      }
      const head = await f.craft(documentOf(profile(wallet())), { next });
      expect(await strict.v.validate("chain-relay", { data: head.bytes })).to.equal(Ignore);
      expect(strict.refusals.counts()["relay-budget"]).to.be.greaterThan(1);
    });
  });

  describe("stop", function () {
    it("aborts block fetches in flight when uninstalled", async function () {
      const peer = await GuardedPeer.start("stopping", { guardOptions: { blockTimeoutMs: 20_000, retryTimeoutMs: 0 } });
      try {
        const child = await f.craft(documentOf(profile(alice)), { next: [await missingBlock()] });
        const pending = peer.v.validate(RELAY, { data: child.bytes });
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(peer.v.stats().fetch.inflight).to.equal(1);
        const started = performance.now();
        peer.guard.uninstall();
        expect(await pending).to.equal(Ignore);
        expect(performance.now() - started).to.be.below(1_000);
        expect(peer.v.stats().fetch.inflight).to.equal(0);
        expect(peer.pubsub.topicValidators.has(peer.db.address)).to.equal(false);
      } finally {
        await peer.stop();
      }
    });
  });
});
