/**
 * Server-side SVG chart geometry. The views draw these numbers with escaped output (`<%= %>`), so no
 * chart library and no script is needed, and the charts show on a cheap phone without JavaScript.
 */

interface ChartPoint {
  label: string;
  value: number;
  /** Tooltip text (SVG <title>). */
  title: string;
}

const W = 640;
const H = 220;
const PLOT = { left: 68, top: 12, right: W - 12, bottom: H - 30 };

/** 0, then 4 round steps up to at least max: 1, 2 or 5 times a power of ten. */
export function niceScale(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / 4;
  const pow = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= rough) ?? 10 * pow;
  const ticks = [0];
  while (ticks[ticks.length - 1] < max) ticks.push(Math.round((ticks[ticks.length - 1] + step) * 1e6) / 1e6);
  return ticks;
}

function yTicks(max: number, format: (v: number) => string) {
  const steps = niceScale(max);
  const top = steps[steps.length - 1];
  const span = PLOT.bottom - PLOT.top;
  return { top, ticks: steps.map((v) => ({ y: round(PLOT.bottom - (v / top) * span), label: format(v) })) };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Labels thinned so they do not overlap on a narrow chart (at most `max` shown). */
function thin<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const every = Math.ceil(items.length / max);
  return items.filter((_, i) => i % every === 0);
}

export function barChart(points: ChartPoint[], format: (v: number) => string) {
  const max = Math.max(0, ...points.map((p) => p.value));
  const { top, ticks } = yTicks(max, format);
  const slot = (PLOT.right - PLOT.left) / Math.max(points.length, 1);
  const span = PLOT.bottom - PLOT.top;
  const bars = points.map((p, i) => {
    const h = top > 0 ? (p.value / top) * span : 0;
    return {
      x: round(PLOT.left + i * slot + slot * 0.15),
      y: round(PLOT.bottom - h),
      w: round(slot * 0.7),
      h: round(h),
      title: p.title,
    };
  });
  const xLabels = thin(
    points.map((p, i) => ({ x: round(PLOT.left + i * slot + slot / 2), label: p.label })),
    8,
  );
  return { width: W, height: H, plot: PLOT, bars, xLabels, yTicks: ticks, empty: max === 0 };
}

/** Several series over the same x labels (e.g. download and upload per hour). */
export function lineChart(
  labels: string[],
  series: { name: string; className: string; values: number[] }[],
  format: (v: number) => string,
  titles: string[] = [],
) {
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  const { top, ticks } = yTicks(max, format);
  const n = labels.length;
  const step = n > 1 ? (PLOT.right - PLOT.left) / (n - 1) : 0;
  const x = (i: number) => round(PLOT.left + i * step);
  const y = (v: number) => round(PLOT.bottom - (top > 0 ? (v / top) * (PLOT.bottom - PLOT.top) : 0));
  const out = series.map((s) => {
    const pts = s.values.map((v, i) => `${x(i)},${y(v)}`);
    const path = pts.length ? `M${pts.join(' L')}` : '';
    const area = pts.length ? `${path} L${x(n - 1)},${PLOT.bottom} L${x(0)},${PLOT.bottom} Z` : '';
    return { name: s.name, className: s.className, path, area };
  });
  const first = series[0]?.values ?? [];
  const dots = titles.length ? first.map((v, i) => ({ x: x(i), y: y(v), title: titles[i] ?? '' })) : [];
  return {
    width: W,
    height: H,
    plot: PLOT,
    series: out,
    xLabels: thin(
      labels.map((l, i) => ({ x: x(i), label: l })),
      8,
    ),
    yTicks: ticks,
    dots,
    empty: max === 0,
  };
}
