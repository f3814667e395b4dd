/**
 * @module report/svg
 * The small drawing vocabulary the charts share: escaping, linear scales with nice ticks, number formatting
 * and the colour palette. Charts are static SVG strings: no script, no external resource.
 */
export const PALETTE = ['#3366cc', '#e8772e', '#2a9d8f', '#c0392b', '#8e5ea2', '#7f8c8d', '#d4a017', '#1b4f72'];
export const TONE_COLOURS = { good: '#2a9d8f', bad: '#c0392b', warn: '#d4a017', neutral: '#3366cc', info: '#3366cc' } as const;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export interface Scale {
  (value: number): number;
  ticks: number[];
}

/** A linear scale from `domain` onto `range`, with the domain widened to nice tick values. */
export function linearScale(domain: [number, number], range: [number, number], tickCount = 5): Scale {
  let [lo, hi] = domain;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (lo === hi) [lo, hi] = lo === 0 ? [-1, 1] : [lo - Math.abs(lo) / 2, hi + Math.abs(hi) / 2];
  const step = niceStep((hi - lo) / tickCount);
  const start = Math.floor(lo / step) * step;
  const end = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = start; t <= end + step / 2; t += step) ticks.push(Math.abs(t) < step / 1e6 ? 0 : round(t, step));
  const [r0, r1] = range;
  const scale = ((v: number) => r0 + ((v - start) / (end - start)) * (r1 - r0)) as Scale;
  scale.ticks = ticks;
  return scale;
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10) * power;
}

function round(value: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(value.toFixed(Math.min(digits, 12)));
}

/** Short human form of a number: 3 significant digits, infinities as the symbol. */
export function formatNumber(value: number): string {
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '−∞';
  if (Number.isNaN(value)) return 'n/a';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-3) return value.toExponential(2);
  return Number(value.toPrecision(3)).toString();
}

/** Finite [min, max] of the given numbers (ignoring non-finite ones); undefined when none is finite. */
export function extent(values: Iterable<number>): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

export function svgOpen(title: string, width: number, height: number): string {
  return `<svg class="chart" role="img" aria-label="${escapeHtml(title)}" data-title="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`;
}

/** Tick lines and labels of a horizontal axis at `y`, grid lines up to `top`. */
export function xAxis(scale: Scale, y: number, top: number, format: (v: number) => string = formatNumber): string {
  return scale.ticks
    .map((t) => {
      const x = scale(t).toFixed(1);
      return `<line class="grid" x1="${x}" x2="${x}" y1="${top}" y2="${y}"/><text class="tick" x="${x}" y="${y + 14}" text-anchor="middle">${escapeHtml(format(t))}</text>`;
    })
    .join('');
}

/** Tick lines and labels of a vertical axis at `x`, grid lines across to `right`. */
export function yAxis(scale: Scale, x: number, right: number, format: (v: number) => string = formatNumber): string {
  return scale.ticks
    .map((t) => {
      const y = scale(t).toFixed(1);
      return `<line class="grid" x1="${x}" x2="${right}" y1="${y}" y2="${y}"/><text class="tick" x="${x - 6}" y="${Number(y) + 4}" text-anchor="end">${escapeHtml(format(t))}</text>`;
    })
    .join('');
}

export function legend(names: string[], x: number, y: number): string {
  let offset = 0;
  return names
    .map((name, i) => {
      const item = `<rect x="${x + offset}" y="${y - 9}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text class="legend" x="${x + offset + 14}" y="${y}">${escapeHtml(name)}</text>`;
      offset += 24 + name.length * 7;
      return item;
    })
    .join('');
}

export function truncate(label: string, max: number): string {
  return label.length > max ? label.slice(0, max - 1) + '…' : label;
}
