/**
 * `poll`: a gasless, Snapshot-style poll. Its author asks `title`, explains it in `body`
 * (Markdown), offers `choices` and picks a voting `system`. Votes (`poll-vote`) count from
 * `start` to `end` (unix seconds, judged by the chain's clock), each weighted by the voter's
 * StoaToken `getPastVotes(voter, snapshot)` on the chain and token named here, so that the
 * record says on its own where every weight is read. A poll never changes once written.
 */
import { z } from "zod";
import { address, chainId, line, text } from "./fields.ts";

/** How choices are marked and counted (see governance/tally.ts). */
export const POLL_SYSTEMS = ["single", "approval", "quadratic"] as const;
export type PollSystem = (typeof POLL_SYSTEMS)[number];

export const MAX_POLL_CHOICES = 20;
/** Shortest and longest voting window (seconds): a minute, a year. */
export const MIN_POLL_SECONDS = 60;
export const MAX_POLL_SECONDS = 366 * 24 * 60 * 60;

/** Unix seconds in 2020-2100 (the window of a record's createdAt). */
export const unixSeconds = z.number().int().min(1_577_836_800).max(4_102_444_800);

const choice = line(100).refine((s) => s.trim().length > 0, "must not be blank");

export const pollV1 = z
  .strictObject({
    /** The chain whose token weighs the votes. */
    chainId,
    /** The ERC-5805 token (StoaToken) whose `getPastVotes` is each voter's weight. */
    token: address,
    title: line(200),
    /** Markdown. */
    body: text(20_000),
    choices: z
      .array(choice)
      .min(2)
      .max(MAX_POLL_CHOICES)
      .refine(
        (choices) => new Set(choices.map((c) => c.trim().toLowerCase())).size === choices.length,
        "must be unique (ignoring case and surrounding spaces)",
      ),
    system: z.enum(POLL_SYSTEMS),
    /** First second at which votes count (unix). */
    start: unixSeconds,
    /** Last second at which votes count (unix). */
    end: unixSeconds,
    /** The timepoint of the weights (unix seconds, StoaToken's clock): at or before `start`. */
    snapshot: unixSeconds,
  })
  .superRefine((poll, ctx) => {
    if (poll.end <= poll.start) {
      ctx.addIssue({ code: "custom", path: ["end"], message: "must be after start" });
    } else if (poll.end - poll.start < MIN_POLL_SECONDS) {
      ctx.addIssue({ code: "custom", path: ["end"], message: `must be at least ${MIN_POLL_SECONDS} s after start` });
    } else if (poll.end - poll.start > MAX_POLL_SECONDS) {
      ctx.addIssue({ code: "custom", path: ["end"], message: "must be at most 366 days after start" });
    }
    if (poll.snapshot > poll.start) {
      ctx.addIssue({ code: "custom", path: ["snapshot"], message: "must be at or before start" });
    }
  });
export type PollV1 = z.infer<typeof pollV1>;
