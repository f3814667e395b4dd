/**
 * @module report/strip-chart
 * Beeswarm-style strips: one row per label, one dot per value, stacked where dots collide, coloured from
 * low (blue) to high (red) by an optional second value (e.g. the feature value behind a SHAP value).
 */
import { escapeHtml, extent, formatNumber, linearScale, svgOpen, truncate, xAxis } from './svg.js';
import type { ReportBlock } from './types.js';

type StripBlock = Extract<ReportBlock, { type: 'strip' }>;

const LABEL_WIDTH = 150;
const PLOT_WIDTH = 470;
const ROW = 40;
const TOP = 8;
/** Dots per row beyond which values are thinned (evenly, keeping order) to keep the file small. */
const MAX_DOTS = 1500;

export function stripChart(block: StripBlock): string {
  const x = linearScale(extent(block.rows.flatMap((r) => r.values)) ?? [0, 1], [LABEL_WIDTH, LABEL_WIDTH + PLOT_WIDTH]);
  const height = TOP + block.rows.length * ROW + 24;
  const parts = [svgOpen(block.title, LABEL_WIDTH + PLOT_WIDTH + 20, height), xAxis(x, TOP + block.rows.length * ROW, TOP)];
  block.rows.forEach((row, r) => {
    const mid = TOP + r * ROW + ROW / 2;
    parts.push(`<text class="label" x="${LABEL_WIDTH - 8}" y="${mid + 4}" text-anchor="end">${escapeHtml(truncate(row.label, 20))}<title>${escapeHtml(row.label)}</title></text>`);
    const step = Math.max(1, Math.ceil(row.values.length / MAX_DOTS));
    const colours = row.colorValues ? extent(row.colorValues) : undefined;
    const stacks = new Map<number, number>();
    for (let i = 0; i < row.values.length; i += step) {
      const v = row.values[i]!;
      if (!Number.isFinite(v)) continue;
      const px = x(v);
      const bucket = Math.round(px / 3);
      const n = stacks.get(bucket) ?? 0;
      stacks.set(bucket, n + 1);
      const offset = n === 0 ? 0 : (n % 2 === 1 ? -1 : 1) * Math.ceil(n / 2) * 2.5;
      if (Math.abs(offset) > ROW / 2 - 3) continue;
      const c = row.colorValues?.[i];
      const fill = colours && c !== undefined && Number.isFinite(c) ? heat((c - colours[0]) / (colours[1] - colours[0] || 1)) : '#3366cc';
      parts.push(`<circle class="mark" cx="${px.toFixed(1)}" cy="${(mid + offset).toFixed(1)}" r="2" fill="${fill}" fill-opacity="0.75"><title>${escapeHtml(formatNumber(v))}</title></circle>`);
    }
  });
  parts.push('</svg>');
  return parts.join('');
}

/** 0 → blue, 1 → red, through purple. */
function heat(t: number): string {
  const k = Math.min(1, Math.max(0, t));
  const red = Math.round(51 + k * (214 - 51));
  const blue = Math.round(204 - k * (204 - 39));
  return `rgb(${red},${Math.round(102 - k * 62)},${blue})`;
}
