/**
 * The tally of a poll: a pure, deterministic function of the poll, its verified vote records and
 * each voter's weight, so that every node and every client that holds the same records and reads
 * the same chain computes the same result, to the wei.
 *
 * Rules, in order:
 * 1. a vote counts only if it names this poll, its `createdAt` falls in [start, end] (by whole
 *    seconds), and its choice fits the poll (system and range); the others are set aside;
 * 2. of each voter's remaining votes only the latest counts: highest `createdAt`, then highest
 *    record id (the order the index uses for a record's current version);
 * 3. a voter whose weight is 0 does not count;
 * 4. scores, with w_v the voter's weight in token wei (getPastVotes at the snapshot):
 *    - single: w_v to the chosen choice;
 *    - approval: w_v to each approved choice (so scores may sum to more than the total weight);
 *    - quadratic (Snapshot's): with a_{v,i} the points voter v gives choice i and A_v their sum,
 *        S_i = sum over v of floor(sqrt(floor(w_v * a_{v,i} / A_v)))   (unit: sqrt(wei))
 *        score_i = floor(W * S_i^2 / sum over j of S_j^2)               (unit: wei)
 *      where W is the total weight of the counted voters. Each voter's influence grows with the
 *      square root of their weight; the scores are scaled back to wei so that they sum to W (less
 *      rounding) and read like the other systems'. `sqrtSums` carries the S_i.
 * Everything is bigint arithmetic: no floating point, so no platform differs.
 */
import type { PollV1 } from "../records/poll.ts";
import type { PollChoice, PollVoteV1 } from "../records/poll-vote.ts";
import { choiceProblem, inPollWindow, pointsOf } from "./polls.ts";

/** A vote record whose signature was verified: its id, author, createdAt (ms) and body. */
export interface TallyVote {
  id: string;
  author: string;
  createdAt: number;
  body: PollVoteV1;
}

/** A vote that counted: the voter's latest valid vote, with their weight (wei, decimal). */
export interface CountedVote {
  id: string;
  voter: string;
  createdAt: number;
  choice: PollChoice;
  weight: string;
}

export interface PollTally {
  pollId: string;
  system: PollV1["system"];
  /** Per choice, in token wei as decimal strings. */
  scores: string[];
  /** Quadratic polls only: S_i per choice, in sqrt(wei), decimal strings. */
  sqrtSums?: string[];
  /** Voters counted (weight above 0). */
  voters: number;
  /** Sum of the counted voters' weights, wei. */
  totalWeight: string;
  /** The counted votes, by voter address. */
  votes: CountedVote[];
}

export interface TallyPollParameters {
  pollId: string;
  poll: PollV1;
  votes: readonly TallyVote[];
  /**
   * Weight per voter (lower-case address), in wei: at least every voter of `latestPollVotes`.
   * A voter missing from it is an error (RangeError), never a silent 0.
   */
  weights: ReadonlyMap<string, bigint>;
}

const later = (a: TallyVote, b: TallyVote) => a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id);

/**
 * Rules 1 and 2: each voter's latest vote among those that name `pollId`, fall in its window
 * and fit it, by voter address. These are the voters whose weights a tally needs.
 */
export function latestPollVotes(pollId: string, poll: PollV1, votes: readonly TallyVote[]): TallyVote[] {
  const latest = new Map<string, TallyVote>();
  for (const vote of votes) {
    if (vote.body.pollId !== pollId || !inPollWindow(poll, vote.createdAt)) continue;
    if (choiceProblem(poll, vote.body.choice) !== undefined) continue;
    const voter = vote.author.toLowerCase();
    const held = latest.get(voter);
    if (!held || later(vote, held)) latest.set(voter, vote);
  }
  return [...latest.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, vote]) => vote);
}

/** The largest integer whose square is at most `n` (n >= 0). */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError("isqrt of a negative number");
  if (n < 2n) return n;
  // Newton's method from a power of two above the root: decreases monotonically to floor(sqrt(n)).
  let x = 1n << (BigInt(n.toString(2).length + 1) >> 1n);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** The tally of `poll` from `votes` and `weights` (see the rules above). */
export function tallyPoll({ pollId, poll, votes, weights }: TallyPollParameters): PollTally {
  const count = poll.choices.length;
  const scores = Array.from({ length: count }, () => 0n);
  const sqrtSums = Array.from({ length: count }, () => 0n);
  const counted: CountedVote[] = [];
  let total = 0n;
  for (const vote of latestPollVotes(pollId, poll, votes)) {
    const voter = vote.author.toLowerCase();
    const weight = weights.get(voter);
    if (weight === undefined) throw new RangeError(`no weight given for voter ${voter}`);
    if (weight < 0n) throw new RangeError(`negative weight for voter ${voter}`);
    if (weight === 0n) continue;
    total += weight;
    counted.push({ id: vote.id, voter, createdAt: vote.createdAt, choice: vote.body.choice, weight: String(weight) });
    const points = pointsOf(count, vote.body.choice);
    if (poll.system === "quadratic") {
      const sum = points.reduce((a, b) => a + b, 0n);
      points.forEach((p, i) => (sqrtSums[i]! += isqrt((weight * p) / sum)));
    } else {
      points.forEach((p, i) => (scores[i]! += weight * p));
    }
  }
  if (poll.system === "quadratic") {
    const squares = sqrtSums.map((s) => s * s);
    const sum = squares.reduce((a, b) => a + b, 0n);
    squares.forEach((square, i) => (scores[i] = sum === 0n ? 0n : (total * square) / sum));
  }
  return {
    pollId,
    system: poll.system,
    scores: scores.map(String),
    ...(poll.system === "quadratic" ? { sqrtSums: sqrtSums.map(String) } : {}),
    voters: counted.length,
    totalWeight: String(total),
    votes: counted,
  };
}
