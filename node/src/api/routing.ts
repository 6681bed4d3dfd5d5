/**
 * Answers for requests no route takes: 405 with `Allow` when the path exists under other methods,
 * 404 otherwise, and JSON answers for what Node's HTTP parser refuses before Fastify sees it.
 * Fastify itself answers 404 for a known path with the wrong method, hence the route table.
 */
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyRequest } from "fastify";
import type { ApiApp } from "./app.ts";
import { ApiError, notFound } from "./errors.ts";

interface RoutePattern {
  regex: RegExp;
  methods: Set<string>;
}

function patternOf(url: string): RegExp {
  const source = url
    .split("/")
    .map((segment) => {
      if (segment.startsWith(":")) return "[^/]+";
      if (segment === "*") return ".*";
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return new RegExp(`^${source}$`);
}

/** Collects every route's path and methods; install before the routes. */
export class RouteTable {
  readonly #routes = new Map<string, RoutePattern>();

  install(app: ApiApp): void {
    app.addHook("onRoute", (route) => {
      // The CORS preflight route matches every path; it says nothing about which exist.
      if (route.url === "*" || route.url === "/*") return;
      const entry = this.#routes.get(route.url) ?? { regex: patternOf(route.url), methods: new Set<string>() };
      for (const method of [route.method].flat()) entry.methods.add(method);
      this.#routes.set(route.url, entry);
    });
  }

  /** The methods `path` takes, in a stable order. */
  methodsOf(path: string): string[] {
    const methods = new Set<string>();
    for (const { regex, methods: of } of this.#routes.values()) {
      if (regex.test(path)) for (const method of of) methods.add(method);
    }
    return [...methods].sort();
  }

  /** The not-found handler: 405 for a known path, else 404. */
  notFound(request: FastifyRequest): never {
    const path = request.url.split("?")[0] ?? "/";
    const allowed = this.methodsOf(path);
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      throw new ApiError(
        405,
        "method-not-allowed",
        `${request.method} is not allowed on ${path}; allowed: ${allowed.join(", ")}`,
        {
          headers: { allow: allowed.join(", ") },
        },
      );
    }
    throw notFound(`no route ${request.method} ${path.slice(0, 200)}`);
  }
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, "headers-too-large", "the request's headers are too large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "timeout", "the request took too long to arrive"],
  HPE_URI_TOO_LONG: [414, "uri-too-long", "the request's URL is too long"],
};

/** The server's clientError handler: a JSON 4xx for a malformed HTTP request, then close. */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, code, message] = CLIENT_ERRORS[error.code ?? ""] ?? [400, "bad-request", "malformed HTTP request"];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
