/**
 * Every error the API answers is JSON `{ error: { code, message, field? } }` with a fitting
 * status: our own (ApiError), the protocol's and core's (mapped by `name`, never by message
 * text), and Fastify's (bad JSON, wrong content type, body too large, validation). Anything
 * else is a 500 whose message says nothing about the server's insides: the stack goes to the
 * log only.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";

/** An answer the API chose to give: status, stable code, message, and the field at fault. */
export class ApiError extends Error {
  override name = "ApiError" as const;
  readonly statusCode: number;
  readonly code: string;
  readonly field?: string;
  /** Extra members of the error object (e.g. a policy refusal's `reason`). */
  readonly details?: Record<string, string>;
  /** Headers to send with the answer (e.g. `allow` with a 405). */
  readonly headers?: Record<string, string>;
  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { field?: string; details?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.field = options.field;
    this.details = options.details;
    this.headers = options.headers;
  }
}

export interface ErrorBody {
  error: { code: string; message: string; field?: string; reason?: string };
}

export const badRequest = (message: string, field?: string) => new ApiError(400, "bad-request", message, { field });
export const unauthorized = (message: string, field?: string) =>
  new ApiError(401, "unauthorized", message, { field, headers: { "www-authenticate": "Bearer" } });
export const forbidden = (message: string, field?: string) => new ApiError(403, "forbidden", message, { field });
export const notFound = (message: string, field?: string) => new ApiError(404, "not-found", message, { field });

/** Errors of @stoa/protocol and @stoa/core, by name: status and code. */
const DOMAIN_ERRORS: Record<string, { status: number; code: string }> = {
  InvalidRecordError: { status: 400, code: "invalid-record" },
  SignatureError: { status: 400, code: "bad-signature" },
  DelegationError: { status: 400, code: "bad-delegation" },
  WrongFamilyError: { status: 400, code: "wrong-family" },
  QueryError: { status: 400, code: "invalid-query" },
  PolicyRefusalError: { status: 403, code: "policy-refusal" },
  NotFoundError: { status: 404, code: "not-found" },
  ContentTooLargeError: { status: 413, code: "content-too-large" },
  NotStartedError: { status: 503, code: "not-ready" },
  TimeoutError: { status: 504, code: "timeout" },
  // @helia/unixfs, when a CID is not a UnixFS file
  NotUnixFSError: { status: 400, code: "not-a-file" },
  NotAFileError: { status: 400, code: "not-a-file" },
  NoResolverError: { status: 400, code: "not-a-file" },
  InvalidPBNodeError: { status: 400, code: "not-a-file" },
};

/** Fastify's own client errors, by code. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "bad-json",
  FST_ERR_CTP_EMPTY_JSON_BODY: "bad-json",
  FST_ERR_CTP_BODY_TOO_LARGE: "body-too-large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported-media-type",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "bad-content-length",
  FST_ERR_VALIDATION: "invalid-request",
  FST_ERR_BAD_URL: "bad-url",
  FST_ERR_MAX_PARAM_LENGTH: "bad-url",
  FST_ERR_NOT_FOUND: "not-found",
};

const STATUS_CODES: Record<number, string> = {
  400: "bad-request",
  401: "unauthorized",
  403: "forbidden",
  404: "not-found",
  405: "method-not-allowed",
  406: "not-acceptable",
  408: "timeout",
  413: "body-too-large",
  414: "uri-too-long",
  415: "unsupported-media-type",
  429: "rate-limited",
  431: "headers-too-large",
};

interface Answer {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

function answer(status: number, code: string, message: string, field?: string, reason?: string): Answer {
  return {
    status,
    body: {
      error: { code, message, ...(field === undefined ? {} : { field }), ...(reason === undefined ? {} : { reason }) },
    },
  };
}

/** The field of the first zod issue of a Fastify validation error: "body.author", "query.limit". */
function validationField(error: FastifyError): string | undefined {
  const first = error.validation?.[0];
  if (!first) return undefined;
  const part = error.validationContext === "querystring" ? "query" : error.validationContext;
  const path = first.instancePath.split("/").filter(Boolean);
  const missing = (first.params as { missingProperty?: unknown } | undefined)?.missingProperty;
  if (typeof missing === "string") path.push(missing);
  return [part, ...path].filter(Boolean).join(".");
}

/** The answer to `error`: its status, stable code, safe message and field. */
export function errorAnswer(error: unknown): Answer {
  if (error instanceof ApiError) {
    const reason = error.details?.reason;
    return { ...answer(error.statusCode, error.code, error.message, error.field, reason), headers: error.headers };
  }
  if (!(error instanceof Error)) return answer(500, "internal", "internal error");
  const e = error as FastifyError & { field?: unknown; reason?: unknown };
  const domain = Object.hasOwn(DOMAIN_ERRORS, e.name) ? DOMAIN_ERRORS[e.name] : undefined;
  if (domain) {
    const field = typeof e.field === "string" ? e.field : undefined;
    const reason = typeof e.reason === "string" ? e.reason : undefined;
    return answer(domain.status, domain.code, e.message, field, reason);
  }
  if (hasZodFastifySchemaValidationErrors(e) || e.code === "FST_ERR_VALIDATION" || e.validation) {
    return answer(400, "invalid-request", e.message, validationField(e));
  }
  const status = typeof e.statusCode === "number" ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = (Object.hasOwn(FASTIFY_CODES, e.code) ? FASTIFY_CODES[e.code] : undefined) ?? STATUS_CODES[status];
    return answer(status, code ?? "bad-request", e.message);
  }
  return answer(500, "internal", "internal error");
}

/** Fastify's error handler: logs server faults with their stack, answers JSON. */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body, headers } = errorAnswer(error);
  if (status >= 500) request.log.error({ err: error }, "request failed");
  if (headers) void reply.headers(headers);
  // A refusal before the body was read (no session, too large, wrong type): close the connection
  // after the answer rather than keep a half-read request open, which would also hold up a
  // graceful close.
  if (!request.raw.complete) void reply.header("connection", "close");
  return reply.code(status).type("application/json; charset=utf-8").send(body);
}
