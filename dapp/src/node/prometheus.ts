/** The few numbers the node page charts, read from the node's Prometheus text (/metrics). */

const WANTED = {
  records: "stoa_records",
  peers: "stoa_peers",
  memoryBytes: "process_resident_memory_bytes",
  requestsTotal: "stoa_http_requests_total",
  eventLoopLagSeconds: "nodejs_eventloop_lag_seconds",
} as const;

export type MetricsSample = { at: number } & Partial<Record<keyof typeof WANTED, number>>;

const byName = new Map<string, keyof typeof WANTED>(
  Object.entries(WANTED).map(([key, name]) => [name, key as keyof typeof WANTED]),
);

/** One pass over the text: each wanted metric summed over its label sets (absent: undefined). */
export function sampleOf(text: string, at: number): MetricsSample {
  const sample: MetricsSample = { at };
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    if (text.charCodeAt(start) !== 35 /* # */) {
      const nameEnd = text.slice(start, end).search(/[ {]/);
      const key = nameEnd > 0 ? byName.get(text.slice(start, start + nameEnd)) : undefined;
      if (key) {
        const value = Number(text.slice(text.lastIndexOf(" ", end - 1) + 1, end));
        if (Number.isFinite(value)) sample[key] = (sample[key] ?? 0) + value;
      }
    }
    start = end + 1;
  }
  return sample;
}
