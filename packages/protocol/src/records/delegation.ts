/**
 * `delegation`: the wallet authorises an app key to sign records of the types in `scope` until
 * `expiresAt` (ms), as Farcaster's signer keys. Signed by the wallet itself, never by a delegate.
 * `delegation-revocation`: the wallet withdraws an app key before its expiry.
 */
import { z } from "zod";
import { address } from "./fields.ts";

export const delegationV1 = z.strictObject({
  delegate: address,
  scope: z
    .array(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "must be a record type"))
    .min(1)
    .max(32),
  expiresAt: z.number().int().min(0).max(4_102_444_800_000),
});
export type DelegationV1 = z.infer<typeof delegationV1>;

export const delegationRevocationV1 = z.strictObject({
  delegate: address,
});
export type DelegationRevocationV1 = z.infer<typeof delegationRevocationV1>;
