/**
 * The record types Stoa knows, each with its versioned body schemas, a size limit and, where a
 * record has versions over time, the key under which the latest one wins. Later modules add
 * their types here.
 */
import type { z } from "zod";
import { delegationRevocationV1, delegationV1, type DelegationRevocationV1, type DelegationV1 } from "./delegation.ts";
import { listingV1, type ListingV1 } from "./listing.ts";
import { orderNoteV1, type OrderNoteV1 } from "./order-note.ts";
import { pollV1, type PollV1 } from "./poll.ts";
import { pollVoteV1, type PollVoteV1 } from "./poll-vote.ts";
import { profileV1, type ProfileV1 } from "./profile.ts";
import { reviewV1, type ReviewV1 } from "./review.ts";

export interface RecordTypeSpec<Body = unknown> {
  /** Body schema per schema version (the record's `v`). */
  versions: Readonly<Record<number, z.ZodType<Body>>>;
  /** Limit on the canonical JSON of the body, in bytes. */
  maxBodyBytes: number;
  /**
   * The key under which later versions by the same author replace earlier ones; undefined for
   * records that never change (each is its own thing).
   */
  keyOf?: (body: Body) => string;
}

function spec<Body>(s: RecordTypeSpec<Body>): RecordTypeSpec<Body> {
  return s;
}

export const RECORD_TYPES = {
  profile: spec({ versions: { 1: profileV1 }, maxBodyBytes: 4_096, keyOf: () => "profile" }),
  delegation: spec({ versions: { 1: delegationV1 }, maxBodyBytes: 2_048, keyOf: (b) => b.delegate }),
  "delegation-revocation": spec({
    versions: { 1: delegationRevocationV1 },
    maxBodyBytes: 256,
    keyOf: (b) => b.delegate,
  }),
  listing: spec({ versions: { 1: listingV1 }, maxBodyBytes: 16_384, keyOf: (b) => b.key }),
  "order-note": spec({ versions: { 1: orderNoteV1 }, maxBodyBytes: 12_288 }),
  review: spec({
    versions: { 1: reviewV1 },
    maxBodyBytes: 4_096,
    keyOf: (b) => `${b.chainId}:${b.marketplace}:${b.orderId}`,
  }),
  poll: spec({ versions: { 1: pollV1 }, maxBodyBytes: 49_152 }),
  "poll-vote": spec({ versions: { 1: pollVoteV1 }, maxBodyBytes: 6_144, keyOf: (b) => b.pollId }),
} as const;

export type RecordType = keyof typeof RECORD_TYPES;

/** The body of each record type (latest version). */
export interface RecordBodies {
  profile: ProfileV1;
  delegation: DelegationV1;
  "delegation-revocation": DelegationRevocationV1;
  listing: ListingV1;
  "order-note": OrderNoteV1;
  review: ReviewV1;
  poll: PollV1;
  "poll-vote": PollVoteV1;
}

/** The body type of record type `T` (latest version). */
export type BodyOf<T extends RecordType> = RecordBodies[T];

export function isRecordType(type: string): type is RecordType {
  return Object.hasOwn(RECORD_TYPES, type);
}

export { delegationRevocationV1, delegationV1, listingV1, orderNoteV1, pollV1, pollVoteV1, profileV1, reviewV1 };
export type { DelegationRevocationV1, DelegationV1, ListingV1, OrderNoteV1, PollV1, PollVoteV1, ProfileV1, ReviewV1 };
export { MAX_POLL_CHOICES, MAX_POLL_SECONDS, MIN_POLL_SECONDS, POLL_SYSTEMS, type PollSystem } from "./poll.ts";
export { MAX_QUADRATIC_POINTS, type PollChoice } from "./poll-vote.ts";
