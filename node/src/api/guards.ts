/**
 * Who is calling: a signed-in account (a SIWE session's bearer token) or the node's operator (the
 * admin token from the repo). Reads are public; route hooks below demand one or the other.
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import { forbidden, unauthorized } from "./errors.ts";
import type { Session, SessionStore } from "./sessions.ts";

const sessions = new WeakMap<FastifyRequest, Session>();

/** The bearer token of the request, if it carries one. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== "string") return undefined;
  const match = /^Bearer +([A-Za-z0-9._~+/=-]{1,512})\s*$/i.exec(header);
  return match?.[1];
}

/** The session the request signed in with, if any (set by `resolveSession`). */
export function sessionOf(request: FastifyRequest): Session | undefined {
  return sessions.get(request);
}

/** onRequest hook: finds the request's session, without demanding one. */
export function resolveSession(store: SessionStore) {
  return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const token = bearerToken(request);
    const session = token === undefined ? undefined : store.find(token);
    if (session) sessions.set(request, session);
    done();
  };
}

/** onRequest hook of the write routes: a live session, or 401 (Fastify turns the throw into the answer). */
export function requireSession(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  if (sessions.has(request)) return done();
  if (bearerToken(request) === undefined) {
    throw unauthorized(
      "sign in first: POST /v1/auth/nonce, then /v1/auth/verify; send `Authorization: Bearer <token>`",
    );
  }
  throw unauthorized("the session is unknown or has expired; sign in again");
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** onRequest hook of the admin routes: the repo's admin token, or 401/403. */
export function requireAdmin(adminToken: () => string) {
  return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const token = bearerToken(request);
    if (token === undefined) throw unauthorized("this route needs the node's admin token (in the repo's admin-token)");
    if (!sameSecret(token, adminToken())) throw forbidden("this route needs the node's admin token");
    done();
  };
}

/**
 * onRequest hook of routes that an account or the operator may use (adding content): a live
 * session, or the admin token (the CLI's `stoa add`), or 401.
 */
export function requireSessionOrAdmin(adminToken: () => string) {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const token = bearerToken(request);
    if (token !== undefined && !sessions.has(request) && sameSecret(token, adminToken())) return done();
    requireSession(request, reply, done);
  };
}
