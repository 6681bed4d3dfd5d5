/**
 * What the node decides about polls, with the chain as the judge: a poll is valid here when it
 * names this chain and its StoaToken, its snapshot is in the chain's past (so that every weight
 * is fixed for good) and its author had voting power then; a vote counts when its poll is open
 * by the chain's clock (the latest block's time, the clock of StoaToken's timepoints), its own
 * createdAt is in the poll's window, its choice fits and its voter had voting power at the
 * snapshot. The API refuses writes that break a rule (422, naming the rule and field); the
 * tally is @stoa/protocol's tallyPoll over the records this node holds, so that any node with
 * the same records computes the same.
 *
 * Weights are StoaToken.getPastVotes(voter, snapshot), cached per (snapshot, voter): once the
 * snapshot is before the chain's latest block no checkpoint can land at or before it, so a weight
 * read once never changes.
 */
import type { FamilyStore, StoredRecord } from "@stoa/core";
import {
  choiceProblem,
  inPollWindow,
  latestPollVotes,
  pollStateAt,
  tallyPoll,
  type PollV1,
  type PollVoteV1,
  type TallyVote,
  type VerifiedRecord,
} from "@stoa/protocol";
import type { ApiChainTime, ApiPollTally } from "@stoa/protocol/api";
import { Contract, type InterfaceAbi } from "ethers";
import type { DaemonContext } from "../../context.ts";
import { ApiError } from "../errors.ts";
import { familyStore } from "../records.ts";

/** Most voters a tally reads; beyond, the node answers 503 rather than a partial tally. */
export const MAX_TALLY_VOTERS = 20_000;
/** Weights kept; a weight never changes, so the oldest are dropped first. */
const MAX_CACHED_WEIGHTS = 100_000;
/** getPastVotes calls in flight at once. */
const READ_CONCURRENCY = 8;

/** Why a record breaks a rule: the answer's code, the field at fault, and what to do. */
export interface Verdict {
  code: string;
  field: string;
  message: string;
}

interface PollLike {
  id: string;
  author: string;
  body: PollV1;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

export class PollBook {
  readonly #ctx: DaemonContext;
  readonly #weights = new Map<string, bigint>();
  #token: Contract | undefined;

  constructor(ctx: DaemonContext) {
    this.#ctx = ctx;
  }

  get #store(): FamilyStore {
    return familyStore(this.#ctx, "polls");
  }

  get #tokenAddress(): string | undefined {
    return this.#ctx.chain.manifest.contracts.token?.address.toLowerCase();
  }

  /** The chain's clock: its latest block. */
  async chainTime(): Promise<ApiChainTime> {
    const head = await this.#ctx.chain.head();
    return { blockNumber: head.number, timestamp: head.timestamp };
  }

  /** StoaToken.getPastVotes(voter, snapshot) in wei; `snapshot` must be before the latest block. */
  async weight(snapshot: number, voter: string): Promise<bigint> {
    const key = `${snapshot}:${voter}`;
    const cached = this.#weights.get(key);
    if (cached !== undefined) return cached;
    const token = this.#tokenContract();
    let weight: bigint;
    try {
      weight = (await token.getFunction("getPastVotes").staticCall(voter, snapshot)) as bigint;
    } catch (error) {
      throw new ApiError(502, "chain-error", `could not read getPastVotes from the chain: ${(error as Error).message}`);
    }
    if (this.#weights.size >= MAX_CACHED_WEIGHTS) this.#weights.delete(this.#weights.keys().next().value!);
    this.#weights.set(key, weight);
    return weight;
  }

  /** The weights of `voters` at `snapshot`, a few reads at a time. */
  async weights(snapshot: number, voters: readonly string[]): Promise<Map<string, bigint>> {
    const weights = new Map<string, bigint>();
    for (let i = 0; i < voters.length; i += READ_CONCURRENCY) {
      const slice = voters.slice(i, i + READ_CONCURRENCY);
      const read = await Promise.all(slice.map((voter) => this.weight(snapshot, voter)));
      slice.forEach((voter, j) => weights.set(voter, read[j]!));
    }
    return weights;
  }

  #tokenContract(): Contract {
    if (!this.#token) {
      const token = this.#ctx.chain.manifest.contracts.token;
      if (!token) throw new ApiError(503, "not-ready", "the deployment has no StoaToken: polls need one");
      this.#token = new Contract(token.address, token.abi as InterfaceAbi, this.#ctx.chain.provider);
    }
    return this.#token;
  }

  /** Why `poll` is not valid on this node at chain time `time`, or undefined if it is. */
  async judgePoll(poll: Omit<PollLike, "id">, time: ApiChainTime): Promise<Verdict | undefined> {
    const { body } = poll;
    if (body.chainId !== this.#ctx.chain.chainId) {
      const message = `this node follows chain ${this.#ctx.chain.chainId}, not ${body.chainId}`;
      return { code: "wrong-chain", field: "body.chainId", message };
    }
    if (body.token !== this.#tokenAddress) {
      const message = `the StoaToken on chain ${body.chainId} is ${this.#tokenAddress}, not ${body.token}`;
      return { code: "wrong-token", field: "body.token", message };
    }
    if (body.snapshot >= time.timestamp) {
      const message =
        `the snapshot (${body.snapshot}, ${iso(body.snapshot)}) must be before the chain's latest block ` +
        `(${time.timestamp}, block ${time.blockNumber}), so that no weight can change after it`;
      return { code: "snapshot-not-past", field: "body.snapshot", message };
    }
    if ((await this.weight(body.snapshot, poll.author)) === 0n) {
      const message =
        `${poll.author} had no voting power at the snapshot ${body.snapshot} (StoaToken getPastVotes): ` +
        "delegate STOA (to yourself) before a poll's snapshot to create it";
      return { code: "no-voting-power", field: "author", message };
    }
    return undefined;
  }

  /** Why `vote` may not be written at chain time `time` (its poll valid and given), or undefined. */
  async judgeVote(vote: VerifiedRecord, poll: PollLike, time: ApiChainTime): Promise<Verdict | undefined> {
    const body = vote.body as PollVoteV1;
    const { start, end, snapshot } = poll.body;
    const state = pollStateAt(poll.body, time.timestamp);
    if (state !== "active") {
      const message =
        `poll ${poll.id} is ${state} by the chain's clock (block ${time.blockNumber} at ${iso(time.timestamp)}); ` +
        `it takes votes from ${iso(start)} to ${iso(end)}`;
      return { code: "poll-not-open", field: "body.pollId", message };
    }
    if (!inPollWindow(poll.body, vote.createdAt)) {
      const message = `the vote's createdAt (${new Date(vote.createdAt).toISOString()}) is outside the poll's window, ${iso(start)} to ${iso(end)}: it would not count`;
      return { code: "poll-not-open", field: "createdAt", message };
    }
    const problem = choiceProblem(poll.body, body.choice);
    if (problem) return { code: "invalid-choice", field: "body.choice", message: problem };
    if ((await this.weight(snapshot, vote.author)) === 0n) {
      const message =
        `${vote.author} had no voting power at the poll's snapshot ${snapshot} (StoaToken getPastVotes): ` +
        "only accounts with STOA delegated before the snapshot vote";
      return { code: "no-voting-power", field: "author", message };
    }
    return undefined;
  }

  /** A poll by record id, or undefined. */
  async poll(id: string): Promise<StoredRecord | undefined> {
    const record = await this.#store.get(id);
    return record?.type === "poll" ? record : undefined;
  }

  /**
   * Refuses (422, the verdict's code and field; nothing written) an envelope with a poll or vote
   * that breaks a rule. Polls in the same batch count as known to its votes.
   */
  async checkWrite(records: readonly VerifiedRecord[]): Promise<void> {
    const time = await this.chainTime();
    const inBatch = new Map<string, VerifiedRecord>(records.filter((r) => r.type === "poll").map((r) => [r.id, r]));
    for (const record of records) {
      let verdict: Verdict | undefined;
      if (record.type === "poll") {
        verdict = await this.judgePoll(record as PollLike, time);
      } else {
        const pollId = (record.body as PollVoteV1).pollId;
        const poll = inBatch.get(pollId) ?? (await this.poll(pollId));
        if (!poll) {
          verdict = { code: "poll-not-found", field: "body.pollId", message: `no poll ${pollId} on this node` };
        } else {
          const invalid = await this.judgePoll(poll as PollLike, time);
          verdict = invalid
            ? { ...invalid, field: "body.pollId", message: `poll ${pollId} is not valid here: ${invalid.message}` }
            : await this.judgeVote(record, poll as PollLike, time);
        }
      }
      if (verdict) throw new ApiError(422, verdict.code, verdict.message, { field: verdict.field });
    }
  }

  /**
   * The vote records a tally of `poll` needs: every voter's current vote and, for a voter whose
   * current vote would not count (outside the window, or a choice that does not fit: written
   * through a node that does not check), their earlier versions. tallyPoll over these equals
   * tallyPoll over every version this node holds.
   */
  async votesOf(poll: PollLike): Promise<StoredRecord[]> {
    const store = this.#store;
    const current: StoredRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.query({ type: "poll-vote", filters: { pollId: poll.id }, limit: 100, cursor });
      current.push(...page.items);
      cursor = page.next;
      if (current.length > MAX_TALLY_VOTERS) {
        throw new ApiError(503, "too-many-voters", `poll ${poll.id} has more than ${MAX_TALLY_VOTERS} voters`);
      }
    } while (cursor);
    const votes = [...current];
    for (const vote of current) {
      const body = vote.body as PollVoteV1;
      if (inPollWindow(poll.body, vote.createdAt) && choiceProblem(poll.body, body.choice) === undefined) continue;
      votes.push(...(await this.history(poll.id, vote.author)).filter((v) => v.id !== vote.id));
    }
    return votes;
  }

  /** Every version of `voter`'s vote in poll `pollId`, newest first. */
  async history(pollId: string, voter: string): Promise<StoredRecord[]> {
    const versions: StoredRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#store.query({
        type: "poll-vote",
        author: voter,
        filters: { pollId },
        history: true,
        limit: 100,
        cursor,
      });
      versions.push(...page.items);
      cursor = page.next;
    } while (cursor && versions.length < 1_000);
    return versions;
  }

  /** The tally of `record` (a poll) over the votes this node holds; 409 for a poll not valid here. */
  async tally(record: StoredRecord): Promise<ApiPollTally> {
    const poll: PollLike = { id: record.id, author: record.author, body: record.body as PollV1 };
    const time = await this.chainTime();
    const verdict = await this.judgePoll(poll, time);
    if (verdict) throw new ApiError(409, verdict.code, verdict.message, { field: verdict.field });
    const votes: TallyVote[] = (await this.votesOf(poll)).map(({ id, author, createdAt, body }) => ({
      id,
      author,
      createdAt,
      body: body as PollVoteV1,
    }));
    const voters = latestPollVotes(poll.id, poll.body, votes).map((vote) => vote.author);
    const weights = await this.weights(poll.body.snapshot, voters);
    const { chainId, token, snapshot } = poll.body;
    return {
      ...tallyPoll({ pollId: poll.id, poll: poll.body, votes, weights }),
      state: pollStateAt(poll.body, time.timestamp),
      chainId,
      token,
      snapshot,
      readAt: time,
    };
  }
}
