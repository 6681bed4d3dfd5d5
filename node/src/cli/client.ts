/**
 * The CLI's client of a running daemon's HTTP API. It finds the daemon from the repo's
 * configuration and authenticates admin calls with the repo's admin token.
 */
import type { StoaConfig } from "../config.ts";
import { readAdminToken } from "../repo.ts";
import { CliError } from "./output.ts";

export class DaemonClient {
  readonly base: string;
  readonly #token: string;

  constructor(repo: string, config: StoaConfig, apiOverride?: string) {
    this.base =
      apiOverride ?? `http://${config.api.host === "0.0.0.0" ? "127.0.0.1" : config.api.host}:${config.api.port}`;
    this.#token = readAdminToken(repo);
  }

  async request(
    method: string,
    path: string,
    body?: BodyInit,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        body,
        headers: { authorization: `Bearer ${this.#token}`, ...headers },
        duplex: body instanceof ReadableStream ? "half" : undefined,
      } as RequestInit);
    } catch {
      throw new CliError(
        `no daemon answers at ${this.base}`,
        "Start it with `stoa daemon` (same --repo), or point --api at the right address.",
      );
    }
    if (!response.ok) {
      let message = `${method} ${path} failed with HTTP ${response.status}`;
      let code: string | undefined;
      try {
        const payload = (await response.json()) as { error?: { code?: string; message?: string; field?: string } };
        if (payload.error?.message) message = payload.error.message;
        code = payload.error?.code;
      } catch {
        // not JSON: keep the status line
      }
      // The CLI builds its requests from the user's arguments: a 400 is bad usage (exit code 2).
      throw new CliError(message, code ? `(${code})` : undefined, response.status === 400 ? 2 : 1);
    }
    return response;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.request(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      body === undefined ? {} : { "content-type": "application/json" },
    );
    return (await response.json()) as T;
  }
}
