/**
 * Records per family: write a signed record or author batch, read one by id, query the family's
 * index. Reads are public. A write needs a session of the record's author, or of the app key
 * that signed it under the author's delegation (which `verifyEnvelope` checks); the node's own
 * policy (deny list, revoked keys) may still refuse it.
 */
import type { FamilyStore, RecordQuery } from "@stoa/core";
import { FAMILIES, verifyEnvelope, type Envelope, type Family, type VerifiedRecord } from "@stoa/protocol";
import { z } from "zod";
import type { DaemonContext } from "../context.ts";
import type { ApiApp } from "./app.ts";
import { ApiError, forbidden, notFound } from "./errors.ts";
import { requireSession, sessionOf } from "./guards.ts";
import { queryFromUrl, recordQueryFromSearch, recordSearchSchema } from "./record-query.ts";
import {
  bearer,
  bodyCheckedByHandler,
  envelopeSchema,
  errors,
  familyParams,
  pageSchema,
  putResultSchema,
  recordQuerySchema,
  storedRecordSchema,
} from "./schemas.ts";

/** The store of `name`, or 404 for a family this node does not know or has not opened. */
export function familyStore(ctx: DaemonContext, name: string): FamilyStore {
  if (!Object.hasOwn(FAMILIES, name)) {
    throw new ApiError(
      404,
      "unknown-family",
      `no record family ${name}; families: ${Object.keys(FAMILIES).join(", ")}`,
      {
        field: "family",
      },
    );
  }
  try {
    return ctx.node.family(name as Family);
  } catch (error) {
    if (ctx.node.isStarted) throw notFound(`this node does not hold the ${name} family`, "family");
    throw error;
  }
}

/**
 * Checks a family's records must pass before they are stored, beyond their signatures: those
 * that need the chain (a review needs its settled order). A check throws the ApiError to answer.
 */
export type WriteChecks = Partial<Record<Family, (records: readonly VerifiedRecord[]) => Promise<void>>>;

export function registerRecordRoutes(app: ApiApp, ctx: DaemonContext, checks: WriteChecks = {}): void {
  app.post(
    "/v1/records/:family",
    {
      onRequest: requireSession,
      // verifyEnvelope checks the body in the handler: the protocol's errors name the exact field
      // and rule (items.3.body.price), where a union schema's would not.
      validatorCompiler: bodyCheckedByHandler,
      schema: {
        tags: ["records"],
        summary: "Write a signed record or an author batch",
        description:
          "The session's account must be the envelope's author, or the app key that signed it under the " +
          "author's delegation. Invalid envelopes are refused with 400 and the field at fault; the node's " +
          "policy (deny list, revoked app keys) with 403 and its reason; a review that no settled order " +
          "on chain backs with 422 `review-not-backed`; an order note between accounts that are not the " +
          "order's parties with 422 `not-order-party`.",
        security: bearer("session"),
        params: familyParams,
        body: envelopeSchema,
        response: { 201: putResultSchema, ...errors(400, 401, 403, 404, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const store = familyStore(ctx, request.params.family);
      const verified = verifyEnvelope(ctx.node.network, store.family, request.body);
      const account = sessionOf(request)!.address;
      if (account !== verified.author && account !== verified.signer) {
        throw forbidden(
          `signed in as ${account}, but the envelope is by ${verified.author} (signed by ${verified.signer})`,
          "author",
        );
      }
      await checks[store.family]?.(verified.records);
      const result = await store.put(request.body as Envelope);
      return reply.code(201).send(result);
    },
  );

  app.get(
    "/v1/records/:family/:id",
    {
      schema: {
        tags: ["records"],
        summary: "A record by id (any version)",
        params: familyParams.extend({ id: z.string().max(100) }),
        response: { 200: storedRecordSchema, ...errors(404, 503) },
      },
    },
    async (request) => {
      const record = await familyStore(ctx, request.params.family).get(request.params.id);
      if (!record) throw notFound(`no record ${request.params.id} in ${request.params.family}`, "id");
      return record;
    },
  );

  app.get(
    "/v1/records/:family",
    {
      schema: {
        tags: ["records"],
        summary: "Query a family's index",
        description:
          "Full text (`text`), author, type, sort, paging (`limit`, `cursor` from the previous page's `next`), " +
          "superseded versions (`history=true`) and the family's filters: `filter.category=books`, " +
          "`filter.category=a&filter.category=b` (any of), `filter.price.gte=100&filter.price.lte=500`.",
        params: familyParams,
        querystring: recordSearchSchema,
        response: { 200: pageSchema, ...errors(400, 404, 503) },
      },
    },
    async (request) => {
      const store = familyStore(ctx, request.params.family);
      return queryFromUrl(store, recordQueryFromSearch(request.query));
    },
  );

  app.post(
    "/v1/records/:family/query",
    {
      schema: {
        tags: ["records"],
        summary: "Query a family's index with a JSON RecordQuery",
        params: familyParams,
        body: recordQuerySchema,
        response: { 200: pageSchema, ...errors(400, 404, 413, 415, 503) },
      },
    },
    async (request) => familyStore(ctx, request.params.family).query(request.body as RecordQuery),
  );
}
