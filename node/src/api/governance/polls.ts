/**
 * Gasless polls: the list (by state by the chain's clock, author, words), one poll with its
 * signed envelope, its votes with theirs (so that anyone can verify every signature), and its
 * tally with each counted voter's weight and the chain time used. Writes go through the records
 * routes (family `polls`), where PollBook.checkWrite refuses what breaks a rule.
 */
import type { RecordQuery, StoredRecord } from "@stoa/core";
import type { PollV1 } from "@stoa/protocol";
import { pollStateAt } from "@stoa/protocol";
import {
  apiPollSchema,
  pollPageSchema,
  pollStateSchema,
  pollTallySchema,
  pollVotePageSchema,
  type ApiPoll,
} from "@stoa/protocol/api";
import { z } from "zod";
import type { DaemonContext } from "../../context.ts";
import type { ApiApp } from "../app.ts";
import { accountParam } from "../chain-schemas.ts";
import { ApiError, badRequest, notFound } from "../errors.ts";
import { familyStore } from "../records.ts";
import { errors } from "../schemas.ts";
import type { PollBook } from "./poll-book.ts";

const limit = (max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,3}$/, "must be a whole number")
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, `must be 1-${max}`)
    .optional()
    .describe(`1-${max}, default 20`);

const listSchema = z.strictObject({
  state: pollStateSchema.optional(),
  author: accountParam.optional(),
  q: z.string().max(200).optional().describe("Words to find in titles and bodies"),
  limit: limit(50),
  cursor: z.string().max(2048).optional(),
});

const votesSchema = z.strictObject({
  voter: accountParam.optional(),
  history: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .describe("With voter: every version of their vote, not only the current one"),
  limit: limit(100),
  cursor: z.string().max(2048).optional(),
});

const pollParams = z.object({ id: z.string().regex(/^0x[0-9a-f]{64}$/, "must be a record id (0x + 64 hex)") });

/** The filters of polls in `state` at chain time `now` (unix seconds). */
function stateFilters(state: z.output<typeof pollStateSchema>, now: number): NonNullable<RecordQuery["filters"]> {
  if (state === "upcoming") return { start: { gte: now + 1 } };
  if (state === "active") return { start: { lte: now }, end: { gte: now } };
  return { end: { lte: now - 1 } };
}

export function registerPollRoutes(app: ApiApp, ctx: DaemonContext, book: PollBook): void {
  const store = () => familyStore(ctx, "polls");
  const withEnvelope = async (record: StoredRecord) => {
    const envelope = await store().envelope(record.entryHash);
    if (!envelope) throw new ApiError(503, "not-ready", `the entry of ${record.id} is not readable on this node yet`);
    return envelope;
  };
  const found = async (id: string) => {
    const poll = await book.poll(id);
    if (!poll) throw notFound(`no poll ${id} on this node`, "id");
    return poll;
  };

  app.get(
    "/v1/polls",
    {
      schema: {
        tags: ["governance"],
        summary: "Polls, newest first: by state (by the chain's clock), author, words; pages",
        description:
          "A poll's state is judged against the chain's latest block time. Polls that are not valid on this " +
          "node (another chain or token, a snapshot not yet in the chain's past, an author without voting " +
          "power at it) are left out, so a page may hold fewer than `limit`; follow `next`.",
        querystring: listSchema,
        response: { 200: pollPageSchema, ...errors(400, 503) },
      },
    },
    async (request) => {
      const { state, author, q, limit: size, cursor } = request.query;
      const chainTime = await book.chainTime();
      const page = await store().query({
        type: "poll",
        ...(state ? { filters: stateFilters(state, chainTime.timestamp) } : {}),
        ...(author ? { author } : {}),
        ...(q ? { text: q, sort: "newest" } : {}),
        limit: size ?? 20,
        ...(cursor ? { cursor } : {}),
      });
      const items: ApiPoll[] = [];
      for (const record of page.items) {
        const body = record.body as PollV1;
        if (await book.judgePoll({ author: record.author, body }, chainTime)) continue;
        items.push({ ...record, state: pollStateAt(body, chainTime.timestamp) });
      }
      return { items, ...(page.next ? { next: page.next } : {}), chainTime };
    },
  );

  app.get(
    "/v1/polls/:id",
    {
      schema: {
        tags: ["governance"],
        summary: "One poll, its state by the chain's clock, and the envelope its author signed",
        params: pollParams,
        response: { 200: apiPollSchema, ...errors(400, 404, 503) },
      },
    },
    async (request) => {
      const poll = await found(request.params.id);
      const { timestamp } = await book.chainTime();
      return { ...poll, state: pollStateAt(poll.body as PollV1, timestamp), envelope: await withEnvelope(poll) };
    },
  );

  app.get(
    "/v1/polls/:id/votes",
    {
      schema: {
        tags: ["governance"],
        summary: "A poll's votes (each voter's current one, newest first), each with its signed envelope",
        description:
          "`voter` narrows to one account; with `history=true`, every version of that account's vote. Whether " +
          "a vote counts is the tally's to say (GET /v1/polls/:id/tally).",
        params: pollParams,
        querystring: votesSchema,
        response: { 200: pollVotePageSchema, ...errors(400, 404, 503) },
      },
    },
    async (request) => {
      const { voter, history, limit: size, cursor } = request.query;
      if (history && !voter) throw badRequest("history=true needs a voter", "query.history");
      const poll = await found(request.params.id);
      const page = await store().query({
        type: "poll-vote",
        filters: { pollId: poll.id },
        ...(voter ? { author: voter } : {}),
        ...(history ? { history } : {}),
        limit: size ?? 20,
        ...(cursor ? { cursor } : {}),
      });
      const items = await Promise.all(
        page.items.map(async (vote) => ({ ...vote, envelope: await withEnvelope(vote) })),
      );
      return { items, ...(page.next ? { next: page.next } : {}) };
    },
  );

  app.get(
    "/v1/polls/:id/tally",
    {
      schema: {
        tags: ["governance"],
        summary: "A poll's tally: scores per choice, counted votes with their weights, the chain time used",
        description:
          "@stoa/protocol's tallyPoll over the votes this node holds: each voter's latest vote made inside the " +
          "poll's window with a choice that fits, weighted by StoaToken.getPastVotes(voter, snapshot). Scores are " +
          "in token wei (quadratic: Snapshot's formula, with the sums of square roots in `sqrtSums`). 409 names " +
          "the rule when the poll is not valid on this node (e.g. `snapshot-not-past`).",
        params: pollParams,
        response: { 200: pollTallySchema, ...errors(400, 404, 409, 502, 503) },
      },
    },
    async (request) => book.tally(await found(request.params.id)),
  );
}
