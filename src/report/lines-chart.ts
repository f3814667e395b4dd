/**
 * @module report/lines-chart
 * Line chart of numeric series (e.g. partial dependence), with points, axes and a legend.
 */
import { escapeHtml, extent, formatNumber, legend, linearScale, PALETTE, svgOpen, xAxis, yAxis } from './svg.js';
import type { ReportBlock } from './types.js';

type LinesBlock = Extract<ReportBlock, { type: 'lines' }>;

const WIDTH = 640;
const HEIGHT = 300;
const MARGIN = { left: 64, right: 16, top: 28, bottom: 44 };

export function linesChart(block: LinesBlock): string {
  const xs = extent(block.series.flatMap((s) => s.points.map((p) => p[0]))) ?? [0, 1];
  const ys = extent(block.series.flatMap((s) => s.points.map((p) => p[1]))) ?? [0, 1];
  const x = linearScale(xs, [MARGIN.left, WIDTH - MARGIN.right]);
  const y = linearScale(ys, [HEIGHT - MARGIN.bottom, MARGIN.top]);
  const parts = [svgOpen(block.title, WIDTH, HEIGHT), xAxis(x, HEIGHT - MARGIN.bottom, MARGIN.top), yAxis(y, MARGIN.left, WIDTH - MARGIN.right)];
  block.series.forEach((series, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const points = series.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    if (points.length > 1) parts.push(`<polyline class="mark" fill="none" stroke="${colour}" stroke-width="2" points="${points.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ')}"/>`);
    for (const [px, py] of points) parts.push(`<circle class="mark" cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="2.5" fill="${colour}"><title>${escapeHtml(`${series.name}: ${formatNumber(px)} → ${formatNumber(py)}`)}</title></circle>`);
  });
  parts.push(`<text class="axis-label" x="${(MARGIN.left + WIDTH - MARGIN.right) / 2}" y="${HEIGHT - 6}" text-anchor="middle">${escapeHtml(block.xLabel)}</text>`);
  parts.push(`<text class="axis-label" transform="translate(14 ${(MARGIN.top + HEIGHT - MARGIN.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(block.yLabel)}</text>`);
  if (block.series.length > 1) parts.push(legend(block.series.map((s) => s.name), MARGIN.left, 16));
  parts.push('</svg>');
  return parts.join('');
}
