/**
 * @module report/histogram-chart
 * Grouped vertical bars over named bins, e.g. a feature's baseline and current distributions side by side.
 */
import { escapeHtml, extent, formatNumber, legend, linearScale, PALETTE, svgOpen, truncate, yAxis } from './svg.js';
import type { ReportBlock } from './types.js';

type HistogramBlock = Extract<ReportBlock, { type: 'histogram' }>;

const HEIGHT = 260;
const MARGIN = { left: 56, right: 12, top: 28, bottom: 48 };

export function histogramChart(block: HistogramBlock): string {
  const bins = block.bins.length;
  const groupWidth = Math.max(18, Math.min(60, 560 / Math.max(1, bins)));
  const width = MARGIN.left + bins * groupWidth + MARGIN.right;
  const y = linearScale([0, (extent(block.series.flatMap((s) => s.values)) ?? [0, 1])[1]], [HEIGHT - MARGIN.bottom, MARGIN.top]);
  const parts = [svgOpen(block.title, Math.max(width, 300), HEIGHT), yAxis(y, MARGIN.left, width - MARGIN.right)];
  const barWidth = (groupWidth - 4) / Math.max(1, block.series.length);
  block.bins.forEach((bin, b) => {
    const gx = MARGIN.left + b * groupWidth + 2;
    block.series.forEach((series, s) => {
      const v = series.values[b] ?? 0;
      if (!Number.isFinite(v)) return;
      const top = y(v);
      parts.push(`<rect class="mark" x="${(gx + s * barWidth).toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(1, barWidth - 1).toFixed(1)}" height="${Math.max(0, HEIGHT - MARGIN.bottom - top).toFixed(1)}" fill="${PALETTE[s % PALETTE.length]}"><title>${escapeHtml(`${series.name}, ${bin}: ${formatNumber(v)}`)}</title></rect>`);
    });
    const cx = gx + (groupWidth - 4) / 2;
    parts.push(`<text class="tick" transform="translate(${cx.toFixed(1)} ${HEIGHT - MARGIN.bottom + 12}) rotate(30)">${escapeHtml(truncate(bin, 12))}<title>${escapeHtml(bin)}</title></text>`);
  });
  parts.push(legend(block.series.map((s) => s.name), MARGIN.left, 16));
  parts.push('</svg>');
  return parts.join('');
}
