/** Clocks, percentiles and memory readings shared by the benchmark's processes. */

/** Wall clock with sub-millisecond resolution, comparable between processes on one machine (ms). */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The `p`-th percentile (0-100) of `values` (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** RSS and heap after `idleMs` of idling and a full collection (needs --expose-gc), in MB. */
export async function memory({ idleMs = 0 }: { idleMs?: number } = {}) {
  if (idleMs > 0) await sleep(idleMs);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await sleep(200);
  gc?.();
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  const MB = 1048576;
  return {
    rssMB: rss / MB,
    heapMB: heapUsed / MB,
    heapTotalMB: heapTotal / MB,
    externalMB: external / MB,
    collected: gc !== undefined,
  };
}
