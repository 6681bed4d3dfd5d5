/**
 * The zod schemas of the API's requests and answers, shared by the routes and rendered into the
 * OpenAPI document. The schemas that clients read too (errors, envelopes, stored records, pages,
 * queries, sessions, node status, chain status) live in @stoa/protocol/api, one definition for
 * the node and the SDK; record envelopes use the protocol's own shapes, so that the document
 * states exactly what `verifyEnvelope` accepts.
 */
import { errorSchema } from "@stoa/protocol/api";
import type { FastifySchemaCompiler } from "fastify";
import { validatorCompiler } from "fastify-type-provider-zod";
import { z } from "zod";

export {
  envelopeSchema,
  errorSchema,
  marketListingPageSchema,
  marketListingSchema,
  marketOrderSchema,
  marketOrdersSchema,
  pageSchema,
  putResultSchema,
  recordQuerySchema,
  sellerReviewsSchema,
  storedRecordSchema,
} from "@stoa/protocol/api";

/** The error answers a route may give, by status. */
export function errors(...statuses: number[]): Record<number, typeof errorSchema> {
  return Object.fromEntries(statuses.map((status) => [status, errorSchema]));
}

export const familyParams = z.object({ family: z.string().max(64).describe("profiles, listings, ...") });

export const bearer = (scheme: "session" | "admin") => [{ [scheme]: [] as string[] }];

/**
 * The validator compiler of a route whose body its handler checks (a record envelope, with
 * `verifyEnvelope`; an upload, as a stream): the body schema documents it, the other parts are
 * validated as usual.
 */
export function bodyCheckedByHandler<S>(
  route: Parameters<FastifySchemaCompiler<S>>[0],
): ReturnType<FastifySchemaCompiler<S>> {
  if (route.httpPart === "body") return (value: unknown) => ({ value });
  return validatorCompiler(route as Parameters<typeof validatorCompiler>[0]);
}
