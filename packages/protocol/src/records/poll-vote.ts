/**
 * `poll-vote`: an account's vote in one poll. One current vote per (author, poll): a later one
 * replaces an earlier one. The shape of `choice` says which system it is for, and must match the
 * poll's:
 * - single: one choice index (`2`);
 * - approval: the approved choice indices, unique (`[0, 2]`);
 * - quadratic: how the voter splits their weight, as non-negative integer points per choice
 *   index (`{ "0": 1, "2": 3 }`: a quarter to choice 0, three quarters to choice 2), at least
 *   one above zero.
 */
import { z } from "zod";
import { text } from "./fields.ts";
import { MAX_POLL_CHOICES } from "./poll.ts";

const choiceIndex = z
  .number()
  .int()
  .min(0)
  .max(MAX_POLL_CHOICES - 1);

/** Points a quadratic vote gives one choice. */
export const MAX_QUADRATIC_POINTS = 1_000_000_000;

export const singleChoice = choiceIndex;
export const approvalChoice = z
  .array(choiceIndex)
  .min(1)
  .max(MAX_POLL_CHOICES)
  .refine((indices) => new Set(indices).size === indices.length, "must not repeat a choice");
export const quadraticChoice = z
  .record(
    z.string().regex(/^(0|[1-9][0-9]?)$/, "must be a choice index without leading zeros"),
    z.number().int().min(0).max(MAX_QUADRATIC_POINTS),
  )
  .refine((points) => Object.keys(points).every((k) => Number(k) < MAX_POLL_CHOICES), "names a choice above 19")
  .refine((points) => Object.values(points).some((p) => p > 0), "must give some choice more than 0 points");

export const pollVoteV1 = z.strictObject({
  /** The poll's record id (its EIP-712 digest). */
  pollId: z.string().regex(/^0x[0-9a-f]{64}$/, "must be a record id (0x and 64 lower-case hex digits)"),
  choice: z.union([singleChoice, approvalChoice, quadraticChoice]),
  reason: text(1_000).optional(),
});
export type PollVoteV1 = z.infer<typeof pollVoteV1>;
export type PollChoice = PollVoteV1["choice"];
