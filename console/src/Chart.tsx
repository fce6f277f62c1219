/** A bar chart in plain SVG: enough for a series of counts or amounts, and no chart library in the bundle. */
export interface Point {
  t: string;
  value: number | null;
}

export function BarChart({
  points,
  label,
  format = String,
}: {
  points: Point[];
  label: string;
  format?: (value: number) => string;
}) {
  const width = 600;
  const height = 140;
  const max = Math.max(1, ...points.map((p) => p.value ?? 0));
  const step = width / Math.max(1, points.length);
  const total = points.reduce((sum, p) => sum + (p.value ?? 0), 0);
  return (
    <figure className="chart" data-metric={label} data-total={total}>
      <figcaption>{label}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={label}>
        {points.map((p, i) => {
          const h = ((p.value ?? 0) / max) * (height - 4);
          return (
            <rect key={p.t} x={i * step + 0.5} y={height - h} width={Math.max(1, step - 1)} height={h}>
              <title>{`${new Date(p.t).toLocaleString()}: ${p.value === null ? 'no data' : format(p.value)}`}</title>
            </rect>
          );
        })}
      </svg>
    </figure>
  );
}
