/** The dev chain's faucet over the API: what a grant asks (nothing) and what it answers. */
import { z } from "zod";

/** A wei amount as a decimal string. */
const wei = z.string().regex(/^\d+$/, "a decimal integer").describe("wei, decimal");

/**
 * The body of POST /v1/dev/faucet: `{}` or none at all (Fastify reads a missing body as null).
 * The recipient is always the session's account.
 */
export const faucetRequestSchema = z.strictObject({}).nullish().describe("{} or no body");

export const faucetGrantSchema = z
  .object({
    token: wei.describe("STOA sent, in token wei (18 decimals)"),
    eth: wei.describe('ETH sent, in wei: "0" when the account already held 1 ETH or more'),
    txs: z.array(z.string().regex(/^0x[0-9a-f]{64}$/)).describe("Hashes of the mined transactions"),
  })
  .meta({ id: "FaucetGrant" });

export type ApiFaucetRequest = z.input<typeof faucetRequestSchema>;
export type ApiFaucetGrant = z.output<typeof faucetGrantSchema>;
