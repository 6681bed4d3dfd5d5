/**
 * tallyPoll: every system, a later vote replacing an earlier one, ties broken by record id, the
 * votes set aside (other poll, outside the window, a choice that does not fit, weight 0), and
 * the quadratic formula checked against a direct computation.
 */
import { expect } from "chai";
import { isqrt, latestPollVotes, tallyPoll, type PollV1, type TallyVote } from "../src/index.ts";
import { poll } from "./helpers.ts";

const POLL_ID = `0x${"ab".repeat(32)}`;
const E18 = 10n ** 18n;
const p = poll();
const inside = p.start * 1000 + 5_000;
const A = "0x" + "a".repeat(40);
const B = "0x" + "b".repeat(40);
const C = "0x" + "c".repeat(40);
let next = 0;
const id = () => `0x${(next++).toString(16).padStart(64, "0")}`;

function vote(author: string, choice: TallyVote["body"]["choice"], extra: Partial<TallyVote> = {}): TallyVote {
  return { id: id(), author, createdAt: inside, body: { pollId: POLL_ID, choice }, ...extra };
}
const weights = (entries: [string, bigint][]) => new Map(entries);
const tally = (pollBody: PollV1, votes: TallyVote[], w: Map<string, bigint>) =>
  tallyPoll({ pollId: POLL_ID, poll: pollBody, votes, weights: w });

describe("tallyPoll", function () {
  it("single: each voter's weight to their choice", function () {
    const result = tally(
      p,
      [vote(A, 0), vote(B, 1), vote(C, 0)],
      weights([
        [A, 3n * E18],
        [B, 5n * E18],
        [C, E18],
      ]),
    );
    expect(result.scores).to.deep.equal([String(4n * E18), String(5n * E18), "0"]);
    expect(result.voters).to.equal(3);
    expect(result.totalWeight).to.equal(String(9n * E18));
    expect(result.votes.map((v) => v.voter)).to.deep.equal([A, B, C]);
    expect(result.sqrtSums).to.equal(undefined);
  });

  it("approval: the full weight to every approved choice", function () {
    const approval = poll({ system: "approval" });
    const result = tally(
      approval,
      [vote(A, [0, 2]), vote(B, [1, 2])],
      weights([
        [A, 2n],
        [B, 3n],
      ]),
    );
    expect(result.scores).to.deep.equal(["2", "3", "5"]);
    expect(result.totalWeight).to.equal("5");
  });

  it("quadratic: Snapshot's formula in integers, sqrt sums in sqrt(wei) and scores in wei", function () {
    const quadratic = poll({ system: "quadratic" });
    const wa = 100n * E18;
    const wb = 36n * E18;
    const result = tally(
      quadratic,
      [vote(A, { "0": 1, "1": 3 }), vote(B, { "2": 1 })],
      weights([
        [A, wa],
        [B, wb],
      ]),
    );
    // S_0 = sqrt(wa/4), S_1 = sqrt(3wa/4), S_2 = sqrt(wb), each floored.
    const s = [isqrt(wa / 4n), isqrt((3n * wa) / 4n), isqrt(wb)];
    expect(result.sqrtSums).to.deep.equal(s.map(String));
    const squares = s.map((x) => x * x);
    const sum = squares.reduce((a, b) => a + b, 0n);
    expect(result.scores).to.deep.equal(squares.map((q) => String(((wa + wb) * q) / sum)));
    // The scores sum to the total weight, less at most one wei per choice.
    const total = result.scores.reduce((a, b) => a + BigInt(b), 0n);
    expect(wa + wb - total >= 0n && wa + wb - total < 3n).to.equal(true);
    // A choice given 0 points gets nothing from that voter.
    const zero = tally(quadratic, [vote(A, { "0": 0, "1": 4 })], weights([[A, wa]]));
    expect(zero.sqrtSums).to.deep.equal(["0", String(isqrt(wa)), "0"]);
    expect(zero.scores).to.deep.equal(["0", String(wa), "0"]);
  });

  it("counts each voter's latest vote; equal times go to the higher record id", function () {
    const first = vote(A, 0, { createdAt: inside });
    const changed = vote(A, 1, { createdAt: inside + 1 });
    const w = weights([[A, 7n]]);
    // The order records arrive in does not matter.
    expect(tally(p, [changed, first], w).scores).to.deep.equal(["0", "7", "0"]);
    expect(tally(p, [first, changed], w).votes[0]!.id).to.equal(changed.id);
    const low = vote(A, 2, { id: `0x${"0".repeat(63)}1`, createdAt: inside + 9 });
    const high = vote(A, 0, { id: `0x${"f".repeat(64)}`, createdAt: inside + 9 });
    expect(tally(p, [high, low], w).scores).to.deep.equal(["7", "0", "0"]);
    expect(tally(p, [low, high], w).scores).to.deep.equal(["7", "0", "0"]);
  });

  it("sets aside votes for another poll, outside the window, or that do not fit; a later bad vote does not replace a good one", function () {
    const w = weights([
      [A, 1n],
      [B, 1n],
      [C, 1n],
    ]);
    const votes = [
      vote(A, 0),
      vote(A, 1, { createdAt: (p.end + 1) * 1000 }), // after the end
      vote(B, 0, { createdAt: p.start * 1000 - 1 }), // before the start
      vote(C, 0, { body: { pollId: `0x${"cd".repeat(32)}`, choice: 0 } }), // another poll
      vote(C, 5), // out of range
      vote(C, [0]), // the wrong system
    ];
    const result = tally(p, votes, w);
    expect(result.scores).to.deep.equal(["1", "0", "0"]);
    expect(result.voters).to.equal(1);
    expect(latestPollVotes(POLL_ID, p, votes).map((v) => v.author)).to.deep.equal([A]);
    // The window's edges count.
    const edges = [vote(B, 1, { createdAt: p.start * 1000 }), vote(C, 2, { createdAt: p.end * 1000 + 999 })];
    expect(tally(p, edges, w).scores).to.deep.equal(["0", "1", "1"]);
  });

  it("leaves out voters of weight 0 and refuses a missing weight", function () {
    const result = tally(
      p,
      [vote(A, 0), vote(B, 1)],
      weights([
        [A, 0n],
        [B, 2n],
      ]),
    );
    expect(result.voters).to.equal(1);
    expect(result.votes.map((v) => v.voter)).to.deep.equal([B]);
    expect(() => tally(p, [vote(C, 0)], weights([]))).to.throw(RangeError, /no weight given/);
  });

  it("gives zeros for a poll without votes", function () {
    const result = tally(poll({ system: "quadratic" }), [], weights([]));
    expect(result).to.deep.include({ scores: ["0", "0", "0"], sqrtSums: ["0", "0", "0"], voters: 0, totalWeight: "0" });
  });

  it("isqrt is the floor of the square root", function () {
    for (const n of [0n, 1n, 2n, 3n, 4n, 15n, 16n, 17n, 10n ** 36n, 10n ** 36n - 1n, (1n << 255n) + 12345n]) {
      const r = isqrt(n);
      expect(r * r <= n && (r + 1n) * (r + 1n) > n, `isqrt(${n})`).to.equal(true);
    }
    expect(() => isqrt(-1n)).to.throw(RangeError);
  });
});
