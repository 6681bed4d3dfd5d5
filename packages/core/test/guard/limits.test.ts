import { expect } from "chai";
import { InvalidOptionError } from "../../src/errors.ts";
import { TokenBuckets } from "../../src/guard/rate-limit.ts";
import { RelayLimits } from "../../src/guard/relay-limits.ts";
import { DEFAULT_POLICY_LIMITS, Policy } from "../../src/policy.ts";

describe("TokenBuckets", function () {
  let now = 0;
  const clock = () => now;

  it("admits max per window, refilled continuously", function () {
    const buckets = new TokenBuckets({ max: 4, windowMs: 1_000 }, clock);
    for (let i = 0; i < 4; i++) {
      expect(buckets.fits("a", 1)).to.equal(true);
      buckets.take("a", 1);
    }
    expect(buckets.fits("a", 1)).to.equal(false);
    expect(buckets.fits("b", 1)).to.equal(true);
    now += 250;
    expect(buckets.fits("a", 1)).to.equal(true);
    expect(buckets.fits("a", 2)).to.equal(false);
  });

  it("lets a full bucket take one envelope larger than max, then stays in debt", function () {
    const buckets = new TokenBuckets({ max: 4, windowMs: 1_000 }, clock);
    expect(buckets.fits("a", 10)).to.equal(false);
    expect(buckets.fits("a", 10, true)).to.equal(true);
    buckets.take("a", 10);
    expect(buckets.available("a")).to.equal(-6);
    now += 2_000;
    expect(buckets.fits("a", 1)).to.equal(true);
    expect(buckets.fits("a", 10, true)).to.equal(false);
    now += 500;
    expect(buckets.fits("a", 10, true)).to.equal(true);
  });
});

describe("RelayLimits", function () {
  let now = 0;
  const clock = () => now;
  const record = (author: string, i: number) => ({ id: `${author}-${i}`, author });

  it("counts a new author against relay budgets until it is known long enough", function () {
    const policy = new Policy({ relayBudget: { max: 2, windowMs: 60_000 }, knownAuthorAfterMs: 1_000 });
    const limits = new RelayLimits(policy, clock);
    expect(limits.admit("relay", [record("0xa", 1)])).to.deep.equal({});
    expect(limits.isKnown("0xA")).to.equal(false);
    now += 999;
    expect(limits.admit("relay", [record("0xa", 2)])).to.deep.equal({});
    expect(limits.admit("relay", [record("0xa", 3)])).to.deep.equal({ refusal: "relay-budget" });
    now += 1;
    expect(limits.isKnown("0xa")).to.equal(true);
    expect(limits.admit("relay", [record("0xa", 3)])).to.deep.equal({});
    expect(limits.relayBudgetOf("relay")).to.be.below(1);
  });

  it("charges ancestors to their authors without refusing them", function () {
    const policy = new Policy({ authorRate: { max: 2, windowMs: 60_000 }, knownAuthorAfterMs: 0 });
    policy.register("0xb");
    const limits = new RelayLimits(policy, clock);
    const backlog = [1, 2, 3].map((i) => record("0xb", i));
    expect(limits.admit("relay", [record("0xc", 1)], backlog)).to.deep.equal({});
    expect(limits.admit("relay", [record("0xb", 4)])).to.deep.equal({ refusal: "rate-limited", author: "0xb" });
    expect(limits.wouldRefuse("relay", "0xB", 1)).to.deep.equal({ refusal: "rate-limited", author: "0xb" });
  });

  it("leaves everything as it was when asked without charging", function () {
    const limits = new RelayLimits(new Policy({ relayBudget: { max: 1, windowMs: 60_000 } }), clock);
    for (let i = 0; i < 3; i++) expect(limits.admit("relay", [record("0xd", i)], [], false)).to.deep.equal({});
    expect(limits.stats()).to.deep.equal({ authors: 0, relays: 0, seenAuthors: 0, charged: 0 });
  });
});

describe("Policy limits", function () {
  it("has defaults and refuses nonsense with a named error", function () {
    expect(new Policy().limits).to.deep.equal(DEFAULT_POLICY_LIMITS);
    expect(() => new Policy({ authorRate: { max: 0, windowMs: 1 } })).to.throw(InvalidOptionError, "authorRate.max");
    expect(() => new Policy({ relayBudget: { max: 1, windowMs: 0 } })).to.throw(InvalidOptionError, "windowMs");
    expect(() => new Policy({ maxAgeMs: -1 })).to.throw(InvalidOptionError, "maxAgeMs");
  });
});
