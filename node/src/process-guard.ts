/**
 * A daemon keeps serving when a library drops a rejected promise. Seen here: @helia/utils' pin
 * walker rethrows an entry-fetch timeout into a promise nobody awaits, under floods of valid spam
 * (packages/core/test/attack/known-gaps.test.ts). Node's default ends the process; the daemon logs
 * the error and counts it (`stoa_unhandled_rejections_total` in /metrics) instead.
 */
import type { Logger } from "pino";

let count = 0;

/** Rejections nobody handled since the process started, while a daemon ran. */
export function unhandledRejectionCount(): number {
  return count;
}

/** Logs and counts unhandled rejections until the returned function is called. */
export function guardUnhandledRejections(log: Logger): () => Promise<void> {
  const onUnhandled = (reason: unknown) => {
    count++;
    log.error({ err: reason }, "unhandled promise rejection: a bug, please report it with this log line");
  };
  process.on("unhandledRejection", onUnhandled);
  return () => {
    process.off("unhandledRejection", onUnhandled);
    return Promise.resolve();
  };
}
