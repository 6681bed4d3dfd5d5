import * as dagCbor from "@ipld/dag-cbor";
import type { LogEntry } from "@orbitdb/core";
import { verifyEnvelope, type VerifiedEnvelope } from "@stoa/protocol";
import { expect } from "chai";
import { checkEntry, DecisionCache, type EnvelopeDocument } from "../../src/guard/access-controller.ts";
import { documentOf, FAMILY, GuardedPeer, NETWORK, profile, wallet } from "./fixtures.ts";

/** An entry as OrbitDB hands it to canAppend on a local append: no hash yet. */
function appending(value: unknown, op = "PUT", key = (value as { _id: string })._id): LogEntry {
  return { id: "/orbitdb/test", payload: { op, key, value }, next: [], refs: [], clock: {}, v: 2 } as never;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("access controller (canAppend) and DecisionCache", function () {
  this.timeout(30_000);

  it("refuses an invalid local append after a valid one: no decision is cached without a hash", async function () {
    const peer = await GuardedPeer.start("ac-local", { guard: false });
    try {
      const w = wallet();
      await peer.put(profile(w));
      const forged = { ...profile(w, { name: "forged" }), sig: profile(wallet()).sig };
      const id = verifyEnvelope(NETWORK, FAMILY, profile(w)).id;
      const error = await rejection(peer.db.put(documentOf(forged, id)));
      expect(error.message).to.match(/Could not append entry/);
      expect(peer.refusals.counts()["bad-signature"]).to.equal(1);
      // And the next valid write is still checked, and accepted.
      await peer.put(profile(w, { name: "after" }));
      const entries: string[] = [];
      for await (const entry of peer.db.log.iterator()) entries.push(entry.hash);
      expect(entries).to.have.length(2);
    } finally {
      await peer.stop();
    }
  });

  describe("decisions vouched for by the node's own write", function () {
    const w = wallet();
    const record = profile(w);
    const verified: VerifiedEnvelope = verifyEnvelope(NETWORK, FAMILY, record);
    const vouchedDocument = () => {
      const cache = new DecisionCache();
      const document = Object.freeze(documentOf(record, verified.id));
      cache.vouch(document, NETWORK, FAMILY, verified);
      return { cache, document };
    };

    it("takes the vouched decision for the very document object, without verifying it again", function () {
      const { cache, document } = vouchedDocument();
      const decision = checkEntry(NETWORK, FAMILY, appending(document), cache);
      expect(decision).to.deep.equal({ ok: true, envelope: verified });
      expect(decision.ok && decision.envelope).to.equal(verified); // the same object: no new verification
    });

    it("verifies in full an equal copy, a copy decoded from bytes, and a tampered copy", function () {
      const { cache, document } = vouchedDocument();
      const decoded = dagCbor.decode<EnvelopeDocument>(dagCbor.encode(document));
      const fresh = checkEntry(NETWORK, FAMILY, appending(decoded), cache);
      expect(fresh.ok).to.equal(true);
      expect(fresh.ok && fresh.envelope).to.not.equal(verified);
      const copy = checkEntry(NETWORK, FAMILY, appending({ ...document }), cache);
      expect(copy.ok && copy.envelope).to.deep.equal(verified);
      expect(copy.ok && copy.envelope).to.not.equal(verified);
      for (const tampered of [
        { ...document, body: { name: "someone else" } },
        { ...document, sig: profile(wallet()).sig },
      ]) {
        expect(checkEntry(NETWORK, FAMILY, appending(tampered), cache)).to.include({
          ok: false,
          reason: "bad-signature",
        });
      }
    });

    it("still applies the entry rules, and only in the family and network it was vouched for", function () {
      const { cache, document } = vouchedDocument();
      expect(checkEntry(NETWORK, FAMILY, appending(document, "DEL"), cache)).to.include({ reason: "op-not-allowed" });
      expect(checkEntry(NETWORK, FAMILY, appending(document, "PUT", "0x00"), cache)).to.include({
        reason: "id-mismatch",
      });
      expect(checkEntry(NETWORK, "listings", appending(document), cache)).to.include({ reason: "invalid-record" });
      expect(checkEntry("stoa-other", FAMILY, appending(document), cache)).to.include({ ok: false });
    });

    it("vouches only for a frozen document under its envelope's id; never caches without a hash", function () {
      const cache = new DecisionCache();
      expect(() => cache.vouch(documentOf(record, verified.id), NETWORK, FAMILY, verified)).to.throw(TypeError);
      expect(() => cache.vouch(Object.freeze(documentOf(record, "0x00")), NETWORK, FAMILY, verified)).to.throw(
        TypeError,
      );
      cache.set(undefined as unknown as string, { ok: true, envelope: verified });
      expect(cache.get(undefined as unknown as string)).to.equal(undefined);
    });
  });
});
