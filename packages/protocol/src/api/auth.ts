/** Sign-in with Ethereum over the API: nonce, signed message in, session token out. */
import { z } from "zod";

export const nonceSchema = z.object({ nonce: z.string(), expiresAt: z.string().describe("ISO 8601") });

export const signInRequestSchema = z.strictObject({
  message: z.string().min(1).max(4096).describe("The EIP-4361 message, as signed"),
  signature: z.string().max(200).describe("0x-prefixed 65-byte signature"),
});

export const signInSchema = z.object({
  token: z.string().describe("Bearer token of the session"),
  address: z.string(),
  expiresAt: z.string(),
});

export const sessionSchema = z
  .object({
    address: z.string().describe("The signed-in account, lower case"),
    chainId: z.number().int(),
    expiresAt: z.string().describe("ISO 8601"),
  })
  .meta({ id: "Session" });

export type ApiNonce = z.output<typeof nonceSchema>;
export type ApiSignInRequest = z.output<typeof signInRequestSchema>;
export type ApiSignIn = z.output<typeof signInSchema>;
export type ApiSession = z.output<typeof sessionSchema>;
