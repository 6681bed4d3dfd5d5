/**
 * Requests to the node's HTTP API v1: JSON in, answers checked against the API's own zod
 * schemas (@stoa/protocol/api), and every error answer turned into a StoaApiError with the
 * node's code, status and field.
 */
import { errorSchema } from "@stoa/protocol/api";
import type { z } from "zod";
import type { StoaBaseClient } from "./base.ts";
import { SessionRequiredError, StoaApiError, StoaError, StoaNetworkError } from "./errors.ts";

export interface NodeRequest {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  /** Sent as JSON, unless it is bytes (sent as application/octet-stream). */
  body?: unknown;
  /** `required`: SessionRequiredError without one; `optional`: sent when there is one. */
  session?: "required" | "optional";
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Name of the action, for errors. */
  action?: string;
}

/** The node's base URL, or a StoaError: the action talks to a node. */
export function nodeUrlOf(client: StoaBaseClient, action = "this action"): string {
  if (!client.nodeUrl) throw new StoaError(`${action} talks to a node: create the client with \`node\` (its API URL)`);
  return client.nodeUrl;
}

/** A StoaApiError from an error answer (or a StoaNetworkError when it is not the API's JSON). */
export async function errorOf(response: Response): Promise<StoaError> {
  const text = await response.text().catch(() => "");
  let parsed: z.output<typeof errorSchema> | undefined;
  try {
    parsed = errorSchema.parse(JSON.parse(text));
  } catch {
    return new StoaNetworkError(`the node answered ${response.status} without an API error: ${text.slice(0, 200)}`);
  }
  const { code, message, field, reason } = parsed.error;
  return new StoaApiError(response.status, code, message, { field, reason });
}

/** Sends `request`; the raw response when its status is 2xx, the node's error otherwise. */
export async function nodeFetch(client: StoaBaseClient, request: NodeRequest): Promise<Response> {
  const url = `${nodeUrlOf(client, request.action)}${request.path}`;
  const headers: Record<string, string> = { accept: "application/json", ...request.headers };
  if (request.session) {
    if (client.session) headers.authorization = `Bearer ${client.session.token}`;
    else if (request.session === "required") throw new SessionRequiredError(request.action ?? request.path);
  }
  let body: BodyInit | undefined;
  if (request.body instanceof Uint8Array || request.body instanceof Blob) {
    headers["content-type"] = "application/octet-stream";
    body = request.body as BodyInit;
  } else if (request.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(request.body);
  }
  let response: Response;
  try {
    response = await client.fetch(url, { method: request.method ?? "GET", headers, body, signal: request.signal });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new StoaNetworkError(`could not reach the node at ${url}: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

/** Sends `request` and checks the JSON answer against `schema`. */
export async function nodeJson<S extends z.ZodType>(
  client: StoaBaseClient,
  schema: S,
  request: NodeRequest,
): Promise<z.output<S>> {
  const response = await nodeFetch(client, request);
  return parseAnswer(schema, await response.json().catch(() => undefined), request.path);
}

/** `value` checked against `schema`, or a StoaNetworkError: the node answered something else. */
export function parseAnswer<S extends z.ZodType>(schema: S, value: unknown, path: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StoaNetworkError(
      `the node's answer to ${path} is not what API v1 answers: ${issue.path.join(".")}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/** GET `path` and check the answer. */
export function nodeGet<S extends z.ZodType>(client: StoaBaseClient, schema: S, path: string): Promise<z.output<S>> {
  return nodeJson(client, schema, { path });
}
