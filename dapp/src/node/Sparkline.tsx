/** A small line chart (SVG, no library): the last values of one series, its latest value as text beside it. */
export function Sparkline({
  label,
  values,
  format,
}: {
  label: string;
  values: readonly number[];
  format: (value: number) => string;
}) {
  const width = 240;
  const height = 56;
  const latest = values.at(-1);
  // Scaled to the samples' own range (a steady value draws a line across the middle).
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (!(max - min > Math.abs(max) * 1e-6)) {
    min -= 1;
    max += 1;
  }
  const x = (i: number) => (values.length < 2 ? width : (i / (values.length - 1)) * width);
  const y = (v: number) => height - 4 - ((v - min) / (max - min)) * (height - 8);
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  const area = values.length > 1 ? `0,${height} ${points} ${width},${height}` : "";
  const summary =
    latest === undefined
      ? `${label}: no data yet`
      : `${label}: now ${format(latest)}, between ${format(Math.min(...values))} and ${format(Math.max(...values))} over the last ${values.length} samples`;
  return (
    <figure className="spark">
      <figcaption>
        <span>{label}</span>
        <strong>{latest === undefined ? "…" : format(latest)}</strong>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" height={height} role="img" aria-label={summary}>
        {values.length > 1 && (
          <>
            <polygon points={area} fill="currentColor" opacity="0.12" />
            <polyline points={points} fill="none" stroke="currentColor" strokeWidth="2" />
          </>
        )}
      </svg>
    </figure>
  );
}
