import {
  choiceProblem,
  inPollWindow,
  latestPollVotes,
  tallyPoll,
  verifyEnvelope,
  type PollTally,
  type PollV1,
  type PollVoteV1,
  type TallyVote,
  type VerifiedRecord,
} from "@stoa/protocol";
import type { ApiPollTally, ApiPollVote } from "@stoa/protocol/api";
import { networkOf, type StoaBaseClient } from "../../base.ts";
import { deploymentOf } from "../../chain/chainOf.ts";
import { readContract } from "../../chain/readContract.ts";
import { contractOf } from "../../deployment.ts";
import { StoaError } from "../../errors.ts";
import { getPoll } from "./getPoll.ts";
import { getPollTally } from "./getPollTally.ts";
import { getPollVotes } from "./getPollVotes.ts";

export type VerifyPollTallyParameters = {
  /** The poll's record id. */
  id: string;
  signal?: AbortSignal;
};

/** One way the node's tally differs from the recomputed one (values as text). */
export type PollTallyDifference = { field: string; node: string; local: string };

export type VerifyPollTallyReturnType = {
  /** The node's tally equals the one recomputed here. */
  matches: boolean;
  /** The tally recomputed here: scores in wei (quadratic: `sqrtSums` in sqrt(wei)). */
  tally: PollTally;
  /** The node's tally, as it answered. */
  node: ApiPollTally;
  differences: PollTallyDifference[];
  /** Vote records whose signatures were verified here; those that failed are among `differences`. */
  verifiedVotes: number;
};

/** Node tallies read before and after the votes, at most, until two agree (votes may arrive meanwhile). */
const ATTEMPTS = 3;

/**
 * Re-verifies a node's tally of a poll without trusting the node: fetches the poll and every vote
 * with the envelopes their authors signed, verifies each signature here (@stoa/protocol), reads
 * each voter's StoaToken.getPastVotes at the poll's snapshot through this client's own chain
 * connection, recomputes with @stoa/protocol's tallyPoll and compares field by field. What it
 * cannot see is a vote the node withholds: ask a second node to compare.
 *
 * Throws the protocol's SignatureError or InvalidRecordError if the poll's own envelope does not
 * verify, and a StoaError if the poll names another chain or token than this client's deployment.
 */
export async function verifyPollTally(
  client: StoaBaseClient,
  { id, signal }: VerifyPollTallyParameters,
): Promise<VerifyPollTallyReturnType> {
  const network = await networkOf(client);
  const view = await getPoll(client, { id, signal });
  const poll = signedRecord(network, view.envelope, id, "poll").body as PollV1;
  const deployment = await deploymentOf(client);
  const token = contractOf(deployment, "token").address.toLowerCase();
  if (poll.chainId !== deployment.chainId || poll.token !== token) {
    throw new StoaError(`poll ${id} is weighed by token ${poll.token} on chain ${poll.chainId}, not this client's`);
  }
  let node = await getPollTally(client, { id, signal });
  let fetched: Awaited<ReturnType<typeof fetchVotes>> | undefined;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    fetched = await fetchVotes(client, network, id, poll, signal);
    const after = await getPollTally(client, { id, signal });
    const settled = JSON.stringify(after.votes) === JSON.stringify(node.votes);
    node = after;
    if (settled) break;
  }
  const { votes, differences } = fetched!;
  const weights = new Map<string, bigint>();
  for (const vote of latestPollVotes(id, poll, votes)) {
    weights.set(
      vote.author,
      await readContract(client, {
        contract: "token",
        functionName: "getPastVotes",
        args: [vote.author as `0x${string}`, BigInt(poll.snapshot)],
      }),
    );
  }
  const tally = tallyPoll({ pollId: id, poll, votes, weights });
  differences.push(...compare(node, tally));
  return { matches: differences.length === 0, tally, node, differences, verifiedVotes: votes.length };
}

/** The record `id` of `type` in `envelope`, verified here; throws if it does not verify or is absent. */
function signedRecord(network: string, envelope: unknown, id: string, type: string): VerifiedRecord {
  const record = verifyEnvelope(network, "polls", envelope).records.find((r) => r.id === id);
  if (!record || record.type !== type) throw new StoaError(`the node's envelope does not carry ${type} ${id}`);
  return record;
}

/**
 * Every voter's current vote and, where it would not count, their earlier versions (what the node
 * tallies), each verified here; the ones that fail are differences and are left out.
 */
async function fetchVotes(client: StoaBaseClient, network: string, id: string, poll: PollV1, signal?: AbortSignal) {
  const votes: TallyVote[] = [];
  const differences: PollTallyDifference[] = [];
  const take = (vote: ApiPollVote): TallyVote | undefined => {
    try {
      const record = signedRecord(network, vote.envelope, vote.id, "poll-vote");
      const verified = { id: record.id, author: record.author, createdAt: record.createdAt };
      const tallied = { ...verified, body: record.body as PollVoteV1 };
      votes.push(tallied);
      return tallied;
    } catch (error) {
      differences.push({
        field: `votes.${vote.id}`,
        node: "a vote",
        local: `not verified: ${(error as Error).message}`,
      });
      return undefined;
    }
  };
  let cursor: string | undefined;
  const current: TallyVote[] = [];
  do {
    const page = await getPollVotes(client, { id, limit: 100, cursor, signal });
    for (const vote of page.items) {
      const taken = take(vote);
      if (taken) current.push(taken);
    }
    cursor = page.next;
  } while (cursor);
  for (const vote of current) {
    if (inPollWindow(poll, vote.createdAt) && choiceProblem(poll, vote.body.choice) === undefined) continue;
    let before: string | undefined;
    do {
      const page = await getPollVotes(client, { id, voter: vote.author, history: true, limit: 100, cursor: before });
      for (const version of page.items) if (version.id !== vote.id) take(version);
      before = page.next;
    } while (before);
  }
  return { votes, differences };
}

/** Field-by-field differences between the node's tally and the local one. */
function compare(node: ApiPollTally, local: PollTally): PollTallyDifference[] {
  const differences: PollTallyDifference[] = [];
  const differ = (field: string, a: unknown, b: unknown) => {
    const [n, l] = [JSON.stringify(a ?? null), JSON.stringify(b ?? null)];
    if (n !== l) differences.push({ field, node: n, local: l });
  };
  local.scores.forEach((score, i) => differ(`scores.${i}`, node.scores[i], score));
  if (node.scores.length !== local.scores.length) differ("scores.length", node.scores.length, local.scores.length);
  differ("sqrtSums", node.sqrtSums, local.sqrtSums);
  differ("voters", node.voters, local.voters);
  differ("totalWeight", node.totalWeight, local.totalWeight);
  const nodeVotes = new Map(node.votes.map((v) => [v.voter, v]));
  const localVotes = new Map(local.votes.map((v) => [v.voter, v]));
  for (const voter of new Set([...nodeVotes.keys(), ...localVotes.keys()])) {
    const [n, l] = [nodeVotes.get(voter), localVotes.get(voter)];
    differ(`votes.${voter}`, n && { id: n.id, weight: n.weight }, l && { id: l.id, weight: l.weight });
  }
  return differences;
}
