/**
 * @module report/bars-chart
 * Horizontal bars from a reference line (0 by default), with optional whiskers and a shaded possible range.
 */
import { escapeHtml, extent, formatNumber, linearScale, svgOpen, TONE_COLOURS, truncate, xAxis } from './svg.js';
import type { ReportBlock } from './types.js';

type BarsBlock = Extract<ReportBlock, { type: 'bars' }>;

const LABEL_WIDTH = 170;
const PLOT_WIDTH = 430;
const VALUE_WIDTH = 90;
const ROW = 26;
const TOP = 8;

export function barsChart(block: BarsBlock): string {
  const format = block.valueFormat ?? formatNumber;
  const reference = block.reference ?? 0;
  const numbers: number[] = [reference];
  for (const b of block.bars) {
    if (b.value !== null) numbers.push(b.value);
    if (b.low !== undefined) numbers.push(b.low);
    if (b.high !== undefined) numbers.push(b.high);
  }
  if (block.domain) {
    // Show the finite ends of the possible range only when the data come near them, so bars stay readable.
    const data = extent(numbers) ?? [0, 1];
    const span = Math.max(data[1] - data[0], 1e-12);
    for (const end of block.domain) if (Number.isFinite(end) && Math.abs(end - (end < data[0] ? data[0] : data[1])) <= span * 2) numbers.push(end);
  }
  const [lo, hi] = extent(numbers) ?? [0, 1];
  const x = linearScale([lo, hi], [LABEL_WIDTH, LABEL_WIDTH + PLOT_WIDTH]);
  const left = x(x.ticks[0]!);
  const right = x(x.ticks[x.ticks.length - 1]!);
  const height = TOP + block.bars.length * ROW + 24;
  const width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH;
  const clamp = (v: number) => Math.min(right, Math.max(left, x(v)));
  const parts: string[] = [svgOpen(block.title, width, height)];
  if (block.domain) {
    const d0 = clamp(Number.isFinite(block.domain[0]) ? block.domain[0] : -Infinity);
    const d1 = clamp(Number.isFinite(block.domain[1]) ? block.domain[1] : Infinity);
    parts.push(`<rect class="range" x="${d0.toFixed(1)}" y="${TOP}" width="${Math.max(0, d1 - d0).toFixed(1)}" height="${block.bars.length * ROW}"><title>possible range [${escapeHtml(formatNumber(block.domain[0]))}, ${escapeHtml(formatNumber(block.domain[1]))}]</title></rect>`);
  }
  parts.push(xAxis(x, TOP + block.bars.length * ROW, TOP));
  block.bars.forEach((bar, i) => {
    const y = TOP + i * ROW;
    parts.push(`<text class="label" x="${LABEL_WIDTH - 8}" y="${y + ROW / 2 + 4}" text-anchor="end">${escapeHtml(truncate(bar.label, 24))}<title>${escapeHtml(bar.label)}</title></text>`);
    const tooltip = `<title>${escapeHtml(`${bar.label}: ${bar.value === null ? 'n/a' : format(bar.value)}${bar.low !== undefined && bar.high !== undefined ? ` [${format(bar.low)}, ${format(bar.high)}]` : ''}${bar.note ? ` (${bar.note})` : ''}`)}</title>`;
    if (bar.value === null || Number.isNaN(bar.value)) {
      parts.push(`<text class="value na" x="${x(reference).toFixed(1)}" y="${y + ROW / 2 + 4}">n/a${tooltip}</text>`);
      return;
    }
    const x0 = clamp(reference);
    const x1 = clamp(bar.value);
    const colour = TONE_COLOURS[bar.tone ?? 'neutral'];
    parts.push(`<rect class="mark" x="${Math.min(x0, x1).toFixed(1)}" y="${y + 5}" width="${Math.max(1, Math.abs(x1 - x0)).toFixed(1)}" height="${ROW - 10}" fill="${colour}">${tooltip}</rect>`);
    if (!Number.isFinite(bar.value)) {
      const dir = bar.value > 0 ? 1 : -1;
      parts.push(`<path class="mark" d="M${x1} ${y + 4} l${6 * dir} ${ROW / 2 - 4} l${-6 * dir} ${ROW / 2 - 4} z" fill="${colour}"/>`);
    }
    if (bar.low !== undefined && bar.high !== undefined) {
      const w0 = clamp(bar.low).toFixed(1);
      const w1 = clamp(bar.high).toFixed(1);
      const mid = y + ROW / 2;
      parts.push(`<path class="mark whisker" d="M${w0} ${mid - 5} V${mid + 5} M${w0} ${mid} H${w1} M${w1} ${mid - 5} V${mid + 5}"/>`);
    }
    parts.push(`<text class="value" x="${LABEL_WIDTH + PLOT_WIDTH + 6}" y="${y + ROW / 2 + 4}">${escapeHtml(format(bar.value))}</text>`);
  });
  const r = x(reference).toFixed(1);
  parts.push(`<line class="reference" x1="${r}" x2="${r}" y1="${TOP}" y2="${TOP + block.bars.length * ROW}"/>`);
  parts.push('</svg>');
  return parts.join('');
}
