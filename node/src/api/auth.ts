/**
 * Routes of sign-in with Ethereum: a nonce, the signed EIP-4361 message in exchange for a
 * session token, the session, and sign-out.
 */
import { nonceSchema, sessionSchema, signInRequestSchema, signInSchema } from "@stoa/protocol/api";
import { z } from "zod";
import type { DaemonContext } from "../context.ts";
import type { ApiApp } from "./app.ts";
import { ApiError } from "./errors.ts";
import { bearerToken, requireSession, sessionOf } from "./guards.ts";
import { bearer, errors } from "./schemas.ts";
import type { Clock, NonceStore, SessionStore } from "./sessions.ts";
import { verifySignIn } from "./siwe.ts";

export interface AuthDeps {
  ctx: DaemonContext;
  nonces: NonceStore;
  sessions: SessionStore;
  clock: Clock;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function registerAuthRoutes(app: ApiApp, { ctx, nonces, sessions, clock }: AuthDeps): void {
  app.post(
    "/v1/auth/nonce",
    {
      schema: {
        tags: ["auth"],
        summary: "A nonce to put in a sign-in message",
        description: "Single use; it expires after auth.nonceTtlSeconds.",
        response: {
          200: nonceSchema,
          ...errors(429),
        },
      },
    },
    () => {
      const issued = nonces.issue();
      return { nonce: issued.nonce, expiresAt: iso(issued.expiresAt) };
    },
  );

  app.post(
    "/v1/auth/verify",
    {
      schema: {
        tags: ["auth"],
        summary: "Sign in with a signed EIP-4361 message",
        description:
          "The message must carry a nonce from /v1/auth/nonce, this node's host as domain, a URI on its " +
          "origin and the chain id of GET /v1/chain, and be signed (personal_sign) by the account it names.",
        body: signInRequestSchema,
        response: {
          200: signInSchema,
          ...errors(400, 401, 429),
        },
      },
    },
    async (request) => {
      const signedIn = await verifySignIn(request.body.message, request.body.signature, {
        publicUrl: ctx.publicUrl,
        chainId: ctx.chain.chainId,
        nonces,
        now: clock(),
      });
      const session = sessions.open(signedIn.address, signedIn.chainId);
      return { token: session.token, address: session.address, expiresAt: iso(session.expiresAt) };
    },
  );

  app.get(
    "/v1/auth/session",
    {
      onRequest: requireSession,
      schema: {
        tags: ["auth"],
        summary: "The session of the bearer token",
        security: bearer("session"),
        response: { 200: sessionSchema, ...errors(401) },
      },
    },
    (request) => {
      const session = sessionOf(request)!;
      return { address: session.address, chainId: session.chainId, expiresAt: iso(session.expiresAt) };
    },
  );

  app.post(
    "/v1/auth/refresh",
    {
      onRequest: requireSession,
      schema: {
        tags: ["auth"],
        summary: "Renew the session without signing again",
        description:
          "Answers a new token with a full lifetime; the one sent stops working. Renewals are refused " +
          "(401 `sign-in-too-old`) once the sign-in they descend from is 7 days old: sign in again.",
        security: bearer("session"),
        response: { 200: signInSchema, ...errors(401) },
      },
    },
    (request) => {
      const renewed = sessions.renew(bearerToken(request)!, clock());
      if (!renewed)
        throw new ApiError(401, "sign-in-too-old", "the sign-in is 7 days old: sign in again with the wallet");
      return { token: renewed.token, address: renewed.address, expiresAt: iso(renewed.expiresAt) };
    },
  );

  app.post(
    "/v1/auth/logout",
    {
      onRequest: requireSession,
      schema: {
        tags: ["auth"],
        summary: "Sign out: the bearer token stops working",
        security: bearer("session"),
        response: { 204: z.undefined(), ...errors(401) },
      },
    },
    (request, reply) => {
      sessions.close(bearerToken(request)!);
      return reply.code(204).send();
    },
  );
}
