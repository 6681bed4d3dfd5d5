import type { PollSystem } from "@stoa/protocol";
import type { StoaBaseClient } from "../../base.ts";
import { chainOf } from "../../chain/chainOf.ts";
import { contractOf } from "../../deployment.ts";
import { publishRecord, type PublishRecordReturnType } from "../../records/publishRecord.ts";
import type { AppKey } from "../../records/signRecord.ts";

/** A week, the default voting window (seconds). */
export const DEFAULT_POLL_SECONDS = 7 * 24 * 60 * 60;

export type CreatePollParameters = {
  /** The question: one line, up to 200 characters. */
  title: string;
  /** Markdown, up to 20,000 characters. */
  body?: string;
  /** 2-20 unique choices of up to 100 characters. */
  choices: string[];
  system: PollSystem;
  /** First second votes count (unix); default the chain's latest block time. */
  start?: number;
  /** Last second votes count (unix); default `start` + `duration`. */
  end?: number;
  /** Voting window when `end` is not given (seconds); default a week. */
  duration?: number;
  /**
   * The timepoint of the weights (unix seconds): before the chain's latest block and at or before
   * `start`; default one second before the latest block (voting power delegated in that block
   * itself is not counted: delegate, then create the poll in a later block).
   */
  snapshot?: number;
  appKey?: AppKey;
};
/** As publishRecord: the poll's record id (`records[0].id`), its OrbitDB entry, the record as stored. */
export type CreatePollReturnType = PublishRecordReturnType;

/**
 * Creates a gasless poll: a signed `poll` record in the node's `polls` family, weighed by the
 * deployment's StoaToken on its chain. The node refuses (StoaApiError 422) a snapshot that is not
 * before its chain's latest block (`snapshot-not-past`), or an author who had no voting power at
 * the snapshot (`no-voting-power`); a record that breaks a schema bound is a 400 naming the field.
 */
export async function createPoll(
  client: StoaBaseClient,
  {
    title,
    body = "",
    choices,
    system,
    start,
    end,
    duration = DEFAULT_POLL_SECONDS,
    snapshot,
    appKey,
  }: CreatePollParameters,
): Promise<CreatePollReturnType> {
  const { publicClient, deployment } = await chainOf(client, "createPoll");
  const head = Number((await publicClient.getBlock({ blockTag: "latest" })).timestamp);
  const opens = start ?? head;
  return publishRecord(client, {
    type: "poll",
    body: {
      chainId: deployment.chainId,
      token: contractOf(deployment, "token").address.toLowerCase(),
      title,
      body,
      choices,
      system,
      start: opens,
      end: end ?? opens + duration,
      snapshot: snapshot ?? Math.min(head - 1, opens),
    },
    appKey,
  });
}
