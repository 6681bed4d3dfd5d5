/**
 * Content: add a file's bytes (a signed-in account only; pinned; at most content.maxBytes) and
 * read a UnixFS file back. Files are served as opaque bytes (octet-stream, nosniff, sandboxed)
 * so that nothing anyone uploads can run as script on the node's origin.
 */
import { Readable } from "node:stream";
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import { contentAddedSchema } from "@stoa/protocol/api";
import { CID } from "multiformats/cid";
import { z } from "zod";
import type { DaemonContext } from "../context.ts";
import type { ApiApp } from "./app.ts";
import { ApiError, badRequest } from "./errors.ts";
import { requireSessionOrAdmin } from "./guards.ts";
import { bearer, bodyCheckedByHandler, errors } from "./schemas.ts";

/** Headers of bytes nobody vouched for. */
export const UNTRUSTED_BYTES_HEADERS = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "sandbox",
  "cache-control": "public, max-age=29030400, immutable",
};

/** A CID from a path parameter, or 400. */
export function parseCidParam(text: string): CID {
  try {
    return CID.parse(text);
  } catch {
    throw badRequest(`not a CID: ${text.slice(0, 100)}`, "cid");
  }
}

/**
 * 404 at once for a block this node lacks when it has no peer to ask; otherwise the fetch may
 * take up to the content fetch timeout (504).
 */
export async function requireReachable(ctx: DaemonContext, cid: CID): Promise<void> {
  if (ctx.node.peers().length > 0) return;
  if (!(await ctx.node.helia.blockstore.has(cid))) {
    throw new ApiError(404, "not-found", `${cid.toString()} is not on this node, and it has no peers to ask`, {
      field: "cid",
    });
  }
}

export const cidParams = z.object({ cid: z.string().max(200).describe("CIDv0 (Qm...) or CIDv1") });

/** Sends bytes from a route whose documented 200 is binary (the type provider would want a string). */
export function sendBytes(reply: FastifyReply, body: Readable | Buffer): FastifyReply {
  return reply.send(body);
}

export const tooLarge = (limit: number, what = "content") =>
  new ApiError(413, "content-too-large", `${what} is larger than this node's limit of ${limit} bytes`);

/** onRequest hook: 415 before reading a body that is not raw bytes. */
function requireOctetStream(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const type = String(request.headers["content-type"] ?? "application/octet-stream");
  if (!/^application\/octet-stream\s*(;|$)/i.test(type)) {
    throw new ApiError(415, "unsupported-media-type", "send the file's bytes as application/octet-stream", {
      field: "content-type",
    });
  }
  done();
}

function registerUpload(app: ApiApp, ctx: DaemonContext): void {
  // The bytes stream straight into IPFS: no buffering, the limit is checked as they arrive.
  app.addContentTypeParser("application/octet-stream", (_request, payload, done) => done(null, payload));
  app.post(
    "/v1/content",
    {
      onRequest: [requireSessionOrAdmin(() => ctx.adminToken), requireOctetStream],
      // The body is a stream, read by the handler: the schema documents it, nothing validates it.
      validatorCompiler: bodyCheckedByHandler,
      schema: {
        tags: ["content"],
        summary: "Add a file (raw bytes, application/octet-stream)",
        description:
          "Pinned on this node. At most content.maxBytes; the answer's CID is a CIDv1 with raw leaves. " +
          "A signed-in account or the node's operator (admin token) may add.",
        security: [...bearer("session"), ...bearer("admin")],
        consumes: ["application/octet-stream"],
        body: z.string().meta({ format: "binary", description: "The file's bytes" }),
        response: {
          201: contentAddedSchema,
          ...errors(400, 401, 411, 413, 415, 429),
        },
      },
    },
    async (request, reply) => {
      const limit = ctx.node.content.limits.maxBytes;
      const declared = Number(request.headers["content-length"] ?? NaN);
      if (declared > limit) throw tooLarge(limit);
      // The documented string is, on the wire, the request stream the octet-stream parser passed on.
      const body: unknown = request.body;
      if (!(body instanceof Readable)) {
        throw badRequest("send the file's bytes as the body, with content-type application/octet-stream", "body");
      }
      let size = 0;
      const cid = await ctx.node.content.addStream(body, { onProgress: (bytes) => (size = bytes) });
      return reply.code(201).send({ cid, size });
    },
  );
}

function registerCat(app: ApiApp, ctx: DaemonContext): void {
  app.get(
    "/v1/content/:cid",
    {
      schema: {
        tags: ["content"],
        summary: "The bytes of a UnixFS file",
        description: "From this node, or fetched from its peers within content limits. No ranges.",
        params: cidParams,
        response: {
          200: {
            description: "The file's bytes",
            content: { "application/octet-stream": { schema: z.string().meta({ format: "binary" }) } },
          },
          ...errors(400, 403, 404, 504),
        },
      },
    },
    async (request, reply) => {
      const parsed = parseCidParam(request.params.cid);
      await requireReachable(ctx, parsed);
      const cid = parsed.toString();
      const { content } = ctx.node;
      const size = await content.size(cid);
      if (size > content.limits.maxBytes) {
        throw new ApiError(
          403,
          "content-too-large",
          `the file is larger than this node serves (${content.limits.maxBytes} bytes)`,
        );
      }
      void reply.headers({
        ...UNTRUSTED_BYTES_HEADERS,
        "content-type": "application/octet-stream",
        "content-length": String(size),
        etag: `"${cid}"`,
      });
      return sendBytes(reply, Readable.from(content.cat(cid)));
    },
  );
}

export function registerContentRoutes(app: ApiApp, ctx: DaemonContext): void {
  // Its own scope: the octet-stream parser must not reach the JSON routes.
  void app.register((scope, _options, done) => {
    registerUpload(scope, ctx);
    registerCat(scope, ctx);
    done();
  });
}
