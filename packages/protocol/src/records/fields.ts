/** zod building blocks shared by record schemas: every string, array and number is bounded. */
import { z } from "zod";

/** A lower-case 0x address (records store addresses in one case so that they index as one). */
export const address = z.string().regex(/^0x[0-9a-f]{40}$/, "must be a lower-case 0x address (40 hex digits)");

/** An IPFS CID in its text form (CIDv0 "Qm..." or CIDv1 base32 "b..."), at most 100 characters. */
export const cid = z
  .string()
  .max(100)
  .regex(/^(Qm[1-9A-HJ-NP-Za-km-z]{44}|b[a-z2-7]{20,99})$/, "must be an IPFS CID (Qm... or base32 b...)");

/** A non-negative integer amount in a token's smallest unit, as a decimal string (uint256 range). */
export const uintString = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,77})$/, "must be a decimal integer string without leading zeros")
  .refine((s) => BigInt(s) < 1n << 256n, "must fit in 256 bits");

/** An EVM chain id. */
export const chainId = z
  .number()
  .int()
  .min(1)
  .max(2 ** 53 - 1);

/** Text of at most `max` characters, trimmed of nothing: what the author signed is what is kept. */
export const text = (max: number) => z.string().max(max);

/** A non-empty single-line string of at most `max` characters. */
export const line = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\n\r]*$/, "must be a single line");

/** A slug: lower-case letters, digits and dashes, 1-`max` characters. */
export const slug = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be lower-case letters, digits and single dashes");

/** An author-chosen key that identifies one thing (listing, job) across its versions. */
export const recordKey = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "must be 1-64 letters, digits, _ or -");

export const httpsUrl = z
  .string()
  .max(300)
  .regex(/^https:\/\/[^\s]+$/, "must be an https:// URL");
