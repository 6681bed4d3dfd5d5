/** The few numbers the node page charts, read from the node's Prometheus text (/metrics). */

/** Sum of every sample of `name` (all label sets), or undefined when the metric is absent. */
export function sumOf(text: string, name: string): number | undefined {
  let total: number | undefined;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== " " && rest[0] !== "{") continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

export interface MetricsSample {
  /** ms since the epoch */
  at: number;
  records?: number;
  peers?: number;
  memoryBytes?: number;
  requestsTotal?: number;
  eventLoopLagSeconds?: number;
}

export function sampleOf(text: string, at: number): MetricsSample {
  return {
    at,
    records: sumOf(text, "stoa_records"),
    peers: sumOf(text, "stoa_peers"),
    memoryBytes: sumOf(text, "process_resident_memory_bytes"),
    requestsTotal: sumOf(text, "stoa_http_requests_total"),
    eventLoopLagSeconds: sumOf(text, "nodejs_eventloop_lag_seconds"),
  };
}
