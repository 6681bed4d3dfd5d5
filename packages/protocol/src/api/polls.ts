/**
 * Gasless polls over the API: polls with their state by the chain's clock, votes with the
 * envelopes their voters signed (so that a client verifies each signature itself), and the tally
 * with every counted vote's weight and the chain time it was read at.
 */
import { z } from "zod";
import { POLL_STATES } from "../governance/polls.ts";
import { POLL_SYSTEMS } from "../records/poll.ts";
import { envelopeSchema, storedRecordSchema } from "./records.ts";

const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/);
const address = z.string().regex(/^0x[0-9a-f]{40}$/);

export const pollStateSchema = z
  .enum(POLL_STATES)
  .describe("By the chain's latest block time: upcoming before start, active from start to end, ended after")
  .meta({ id: "PollState" });

export const chainTimeSchema = z
  .object({
    blockNumber: z.number().int(),
    timestamp: z.number().int().describe("Unix seconds of that block: the chain's clock"),
  })
  .meta({ id: "ChainTime" });

export const apiPollSchema = storedRecordSchema
  .extend({
    state: pollStateSchema,
    envelope: envelopeSchema
      .optional()
      .describe("The signed record or author batch that carried it (GET /v1/polls/:id only)"),
  })
  .meta({ id: "Poll" });

export const pollPageSchema = z
  .object({
    items: z.array(apiPollSchema),
    next: z.string().optional().describe("Cursor of the next page, if there is one"),
    chainTime: chainTimeSchema.describe("The chain time the states were judged at"),
  })
  .meta({ id: "PollPage" });

export const pollVoteSchema = storedRecordSchema
  .extend({ envelope: envelopeSchema.describe("The signed record or author batch that carried it") })
  .meta({ id: "PollVote" });

export const pollVotePageSchema = z
  .object({
    items: z.array(pollVoteSchema),
    next: z.string().optional().describe("Cursor of the next page, if there is one"),
  })
  .meta({ id: "PollVotePage" });

export const pollChoiceSchema = z
  .union([z.number().int(), z.array(z.number().int()), z.record(z.string(), z.number().int())])
  .describe("single: an index; approval: indices; quadratic: points per index")
  .meta({ id: "PollChoice" });

export const pollTallySchema = z
  .object({
    pollId: z.string(),
    system: z.enum(POLL_SYSTEMS),
    scores: z.array(decimal).describe("Per choice, in token wei"),
    sqrtSums: z
      .array(decimal)
      .optional()
      .describe("Quadratic only: per choice, the sum of sqrt(weight share), in sqrt(wei)"),
    voters: z.number().int().describe("Voters counted (weight above 0)"),
    totalWeight: decimal.describe("Their weights' sum, wei"),
    votes: z
      .array(
        z.object({
          id: z.string(),
          voter: address,
          createdAt: z.number().int(),
          choice: pollChoiceSchema,
          weight: decimal.describe("getPastVotes(voter, snapshot), wei"),
        }),
      )
      .describe("Each voter's latest valid vote, by voter address"),
    state: pollStateSchema,
    chainId: z.number().int(),
    token: address.describe("The token whose getPastVotes weighs the votes"),
    snapshot: z.number().int().describe("The timepoint of the weights (unix seconds)"),
    readAt: chainTimeSchema.describe("The chain's latest block when the tally was computed"),
  })
  .meta({ id: "PollTally" });

export type ApiPoll = z.output<typeof apiPollSchema>;
export type ApiPollPage = z.output<typeof pollPageSchema>;
export type ApiPollVote = z.output<typeof pollVoteSchema>;
export type ApiPollVotePage = z.output<typeof pollVotePageSchema>;
export type ApiPollTally = z.output<typeof pollTallySchema>;
export type ApiChainTime = z.output<typeof chainTimeSchema>;
