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
  const min = Math.min(...values, 0);
  const max = Math.max(...values, 1);
  const x = (i: number) => (values.length < 2 ? width : (i / (values.length - 1)) * width);
  const y = (v: number) => height - 4 - ((v - min) / (max - min || 1)) * (height - 8);
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
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
        {values.length > 1 && <polyline points={points} fill="none" stroke="currentColor" strokeWidth="2" />}
      </svg>
    </figure>
  );
}
