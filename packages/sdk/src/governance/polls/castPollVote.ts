import type { PollChoice, PollV1 } from "@stoa/protocol";
import type { ApiPoll } from "@stoa/protocol/api";
import { requireSigning, type StoaBaseClient } from "../../base.ts";
import { publishRecord, type PublishRecordReturnType } from "../../records/publishRecord.ts";
import type { AppKey } from "../../records/signRecord.ts";
import { getPoll } from "./getPoll.ts";
import { getPollVotes } from "./getPollVotes.ts";

export type CastPollVoteParameters = {
  /** The poll: its record id, or the poll as getPoll answered it. */
  poll: string | ApiPoll;
  /** single: a choice index; approval: the approved indices; quadratic: points per index (`{ "0": 1, "2": 3 }`). */
  choice: PollChoice;
  /** Up to 1,000 characters. */
  reason?: string;
  appKey?: AppKey;
};
/** As publishRecord: the vote's record id, its OrbitDB entry, the record as stored. */
export type CastPollVoteReturnType = PublishRecordReturnType;

/**
 * Votes in a poll with a signed `poll-vote` record (no gas). A later vote replaces an earlier one:
 * the vote is dated now, but never before the poll's start (the chain's clock, which opens the
 * poll, may run ahead of this computer's) nor at or before the vote it replaces. The node refuses
 * (StoaApiError 422) a vote for a poll it does not hold (`poll-not-found`), outside the poll's window
 * by the chain's clock (`poll-not-open`), a choice that does not fit the poll (`invalid-choice`), or
 * by an account without voting power at the poll's snapshot (`no-voting-power`).
 */
export async function castPollVote(
  client: StoaBaseClient,
  { poll, choice, reason, appKey }: CastPollVoteParameters,
): Promise<CastPollVoteReturnType> {
  const view = typeof poll === "string" ? await getPoll(client, { id: poll }) : poll;
  const { start } = view.body as PollV1;
  const voter = appKey ? appKey.delegation.author : requireSigning(client, "castPollVote").address.toLowerCase();
  const previous = (await getPollVotes(client, { id: view.id, voter, limit: 1 })).items[0];
  const createdAt = Math.max(Date.now(), start * 1000, (previous?.createdAt ?? 0) + 1);
  return publishRecord(client, {
    type: "poll-vote",
    body: { pollId: view.id, choice, ...(reason ? { reason } : {}) },
    createdAt,
    appKey,
  });
}
