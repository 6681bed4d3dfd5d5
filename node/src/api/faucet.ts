/**
 * The dev faucet (dev chain only): a signed-in account asks for 1,000 STOA, plus 10 ETH when it
 * holds less than 1 ETH, once a minute. The recipient is the session's account, so nobody drains
 * the faucet for others without signing in as them. Not registered in rpc mode (404).
 */
import { faucetGrantSchema, faucetRequestSchema } from "@stoa/protocol/api";
import { DevFaucet, FaucetError } from "../chain/faucet.ts";
import type { DaemonContext } from "../context.ts";
import type { ApiApp } from "./app.ts";
import { ApiError } from "./errors.ts";
import { requireSession, sessionOf } from "./guards.ts";
import { bearer, errors } from "./schemas.ts";
import type { Clock } from "./sessions.ts";

/** One grant per account per this many ms. */
export const FAUCET_INTERVAL_MS = 60_000;

/** When each account last got a grant (ms); entries older than the interval are dropped. */
class GrantLog {
  readonly #grantedAt = new Map<string, number>();
  readonly #clock: Clock;
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Records a grant to `account` now, or throws 429 with the seconds until the next. */
  claim(account: string): void {
    const now = this.#clock();
    for (const [who, at] of this.#grantedAt) if (now - at >= FAUCET_INTERVAL_MS) this.#grantedAt.delete(who);
    const last = this.#grantedAt.get(account);
    if (last !== undefined) {
      const seconds = Math.max(1, Math.ceil((last + FAUCET_INTERVAL_MS - now) / 1000));
      throw new ApiError(429, "faucet-rate-limited", `one faucet grant per account per minute; retry in ${seconds} s`, {
        headers: { "retry-after": String(seconds) },
      });
    }
    this.#grantedAt.set(account, now);
  }

  /** Forgets a grant that failed, so that the account may retry at once. */
  release(account: string): void {
    this.#grantedAt.delete(account);
  }
}

export function registerFaucetRoute(app: ApiApp, ctx: DaemonContext, clock: Clock): void {
  if (ctx.config.chain.mode !== "dev") return;
  const grants = new GrantLog(clock);
  // Made at the first request: the chain is not read while the routes are only being declared.
  let faucet: DevFaucet | undefined;

  app.post(
    "/v1/dev/faucet",
    {
      onRequest: requireSession,
      schema: {
        tags: ["dev"],
        summary: "Dev chain only: STOA and gas for the signed-in account",
        description:
          "1,000 STOA, and 10 ETH when the account holds less than 1 ETH, sent from Hardhat dev account #3 " +
          "and mined before the answer. One grant per account per minute " +
          "(429 `faucet-rate-limited` with Retry-After). Not available when the node follows another chain (404).",
        security: bearer("session"),
        body: faucetRequestSchema,
        response: { 200: faucetGrantSchema, ...errors(400, 401, 429, 502) },
      },
    },
    async (request) => {
      const account = sessionOf(request)!.address;
      grants.claim(account);
      try {
        faucet ??= new DevFaucet(ctx.chain);
        const grant = await faucet.grant(account);
        return { token: grant.token.toString(), eth: grant.eth.toString(), txs: grant.txs };
      } catch (error) {
        grants.release(account);
        request.log.warn({ err: error }, "faucet grant failed");
        const reason = error instanceof FaucetError ? error.message : (error as Error).message.split("\n")[0];
        throw new ApiError(502, "faucet-failed", `the faucet could not send: ${reason}`);
      }
    },
  );
}
