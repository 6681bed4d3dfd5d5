import type { Family } from "@stoa/protocol";
import { storedRecordSchema, type ApiStoredRecord } from "@stoa/protocol/api";
import { z } from "zod";
import type { StoaBaseClient } from "../base.ts";
import { StoaApiError } from "../errors.ts";
import { nodeFetch, parseAnswer } from "../http.ts";
import { readServerSentEvents } from "../sse.ts";

const recordsEvent = z.object({ family: z.string(), records: z.array(storedRecordSchema) });

export type SubscribeRecordsParameters = {
  /** Only this family's records; default: every family. */
  family?: Family;
  /** Called with each batch of new records, as the node stores them. */
  onRecords: (records: ApiStoredRecord[], family: string) => void;
  /** Called when the stream is open (again, after a reconnection). */
  onOpen?: () => void;
  /** Called when the stream fails; it reconnects unless the error is the node's 4xx refusal. */
  onError?: (error: unknown) => void;
  /** Delay before reconnecting (ms) unless the node says otherwise. Default 3000. */
  retryMs?: number;
};
/** Stops the subscription and closes the stream. */
export type SubscribeRecordsReturnType = () => void;

/**
 * Receives new records live (GET /v1/events, Server-Sent Events over fetch, so it runs in Node
 * and browsers), reconnecting after a dropped stream. Returns the function that stops it.
 */
export function subscribeRecords(
  client: StoaBaseClient,
  { family, onRecords, onOpen, onError, retryMs = 3_000 }: SubscribeRecordsParameters,
): SubscribeRecordsReturnType {
  const controller = new AbortController();
  const path = `/v1/events?chain=false${family ? `&family=${encodeURIComponent(family)}` : ""}`;
  let retry = retryMs;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      controller.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
    });

  async function follow(): Promise<void> {
    while (!controller.signal.aborted) {
      try {
        const response = await nodeFetch(client, {
          path,
          headers: { accept: "text/event-stream" },
          signal: controller.signal,
          action: "subscribeRecords",
        });
        onOpen?.();
        for await (const event of readServerSentEvents(response.body!)) {
          if (event.retry !== undefined) retry = event.retry;
          if (event.event !== "records") continue;
          const batch = parseAnswer(recordsEvent, JSON.parse(event.data), path);
          onRecords(batch.records, batch.family);
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        onError?.(error);
        if (error instanceof StoaApiError && error.status < 500 && error.status !== 429) return;
      }
      await wait(retry);
    }
  }
  void follow();
  return () => controller.abort();
}
