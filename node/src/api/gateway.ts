/**
 * A verifiable (trustless) IPFS gateway subset, so that any IPFS client can fetch from the node
 * and check every byte against its CID: `GET /ipfs/{cid}` answers a raw block
 * (`?format=raw` or `Accept: application/vnd.ipld.raw`) or a CARv1 of the whole DAG
 * (`?format=car` or `Accept: application/vnd.ipld.car`). Deserialised responses are not offered
 * here; /v1/content/{cid} serves a file's bytes.
 */
import { Readable } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { CID } from "multiformats/cid";
import { z } from "zod";
import type { DaemonContext } from "../context.ts";
import type { ApiApp } from "./app.ts";
import { carStream, planDag, readBlock } from "./car.ts";
import { cidParams, parseCidParam, requireReachable, sendBytes, UNTRUSTED_BYTES_HEADERS } from "./content.ts";
import { ApiError } from "./errors.ts";
import { errors } from "./schemas.ts";

const RAW = "application/vnd.ipld.raw";
const CAR = "application/vnd.ipld.car";

type Format = "raw" | "car";

/** The format asked for: `?format=` first, then the Accept header; 406 for neither. */
function formatOf(request: FastifyRequest, format: Format | undefined): Format {
  if (format) return format;
  const accept = String(request.headers.accept ?? "").toLowerCase();
  if (accept.includes(RAW)) return "raw";
  if (accept.includes(CAR)) return "car";
  throw new ApiError(
    406,
    "not-acceptable",
    `ask for a verifiable response: ?format=raw|car, or Accept: ${RAW} or ${CAR}`,
    {
      field: "format",
    },
  );
}

/** An AbortSignal that fires when the client goes away before the answer is out, or after `ms`. */
function clientSignal(reply: FastifyReply, ms?: number): AbortSignal {
  const gone = new AbortController();
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) gone.abort();
  });
  return ms === undefined ? gone.signal : AbortSignal.any([gone.signal, AbortSignal.timeout(ms)]);
}

async function sendRaw(ctx: DaemonContext, reply: FastifyReply, cid: CID) {
  const timeout = ctx.node.content.limits.fetchTimeoutMs;
  const bytes = await readBlock(ctx.node.helia, cid, clientSignal(reply, timeout));
  return {
    headers: {
      ...UNTRUSTED_BYTES_HEADERS,
      "content-type": RAW,
      "content-length": String(bytes.length),
      "content-disposition": `attachment; filename="${cid.toString()}.bin"`,
      etag: `"${cid.toString()}.raw"`,
    },
    body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
  };
}

async function sendCar(ctx: DaemonContext, reply: FastifyReply, cid: CID) {
  const { helia, content } = ctx.node;
  const plan = await planDag(helia, cid, content.limits.maxBytes, clientSignal(reply, content.limits.fetchTimeoutMs));
  return {
    headers: {
      ...UNTRUSTED_BYTES_HEADERS,
      "content-type": `${CAR}; version=1; order=dfs; dups=n`,
      "content-disposition": `attachment; filename="${cid.toString()}.car"`,
      etag: `"${cid.toString()}.car"`,
      "x-ipfs-roots": cid.toString(),
    },
    body: Readable.from(carStream(helia, cid, plan, clientSignal(reply))),
  };
}

export function registerGatewayRoutes(app: ApiApp, ctx: DaemonContext): void {
  app.get(
    "/ipfs/:cid",
    {
      schema: {
        tags: ["content"],
        summary: "Verifiable gateway: a raw block or a CAR of the whole DAG",
        description: `\`?format=raw\` or \`Accept: ${RAW}\`: the block. \`?format=car\` or \`Accept: ${CAR}\`: a CARv1 of every block under the CID, depth first, no duplicates.`,
        params: cidParams,
        querystring: z.object({ format: z.enum(["raw", "car"]).optional() }),
        response: {
          200: {
            description: "The block, or the CAR",
            content: {
              [RAW]: { schema: z.string().meta({ format: "binary" }) },
              [CAR]: { schema: z.string().meta({ format: "binary" }) },
            },
          },
          ...errors(400, 403, 404, 406, 504),
        },
      },
    },
    async (request, reply) => {
      const format = formatOf(request, request.query.format);
      const cid = parseCidParam(request.params.cid);
      await requireReachable(ctx, cid);
      const { headers, body } = format === "raw" ? await sendRaw(ctx, reply, cid) : await sendCar(ctx, reply, cid);
      void reply.headers(headers);
      return sendBytes(reply, body);
    },
  );
}
