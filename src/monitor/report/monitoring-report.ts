/**
 * @module monitor/report/monitoring-report
 * `monitoringReportHtml(...)`: the `report.html` of a monitoring execution, on the shared report kit. It shows
 * the verdict and the violations (plumbline's extension checks marked as such), a per-feature comparison of
 * baseline and current statistics with the KLL L-infinity distance, baseline-vs-current distributions over the
 * baseline's buckets, how captured columns were mapped to features, and, when given, the statistical drift
 * tests (per column, dataset verdict, per segment).
 */
import { formatNumber, renderHtmlReport, type ReportBlock, type ReportSection } from '../../report/index.js';
import { sketchOf, type FeatureStatistics, type StatisticsJson } from '../baseline/index.js';
import { EXTENSION_CHECKS, kllLinf, robust, type ViolationsJson } from '../checks/index.js';
import type { DriftResult } from '../drift/index.js';

export interface MonitoringReportInput {
  schedule?: string;
  endpoint?: string;
  window?: { start: string; end: string };
  baseline: StatisticsJson;
  current: StatisticsJson;
  violations: ViolationsJson;
  drift?: DriftResult;
  /** How captured columns were matched to feature names (e.g. "by the model's feature names"). */
  mapping?: string;
  notes?: string[];
}

const MAX_DISTRIBUTIONS = 40;

export function monitoringReportHtml(input: MonitoringReportInput): string {
  const { baseline, current, violations } = input;
  const count = violations.violations.length;
  const extensionCount = violations.violations.filter((v) => v.extension || EXTENSION_CHECKS.includes(v.constraint_check_type as never)).length;
  const sections: ReportSection[] = [];

  const violationBlocks: ReportBlock[] =
    count === 0
      ? [{ type: 'callout', tone: 'good', text: 'No violations: every constraint of the baseline holds for the analysed data.' }]
      : [
          { type: 'callout', tone: 'bad', text: `${count} violation${count === 1 ? '' : 's'} found${extensionCount > 0 ? ` (${extensionCount} from plumbline's extension checks, which SageMaker does not run)` : ''}.` },
          {
            type: 'table',
            columns: ['feature', 'check', 'description'],
            rows: violations.violations.map((v) => [
              v.feature_name,
              v.extension || EXTENSION_CHECKS.includes(v.constraint_check_type as never) ? `${v.constraint_check_type} (plumbline extension)` : v.constraint_check_type,
              v.description,
            ]),
          },
        ];
  sections.push({ title: 'Violations (constraint_violations.json)', blocks: violationBlocks });

  sections.push({ title: 'Features: baseline and current', blocks: [featureTable(baseline, current)] });

  const mappingBlocks: ReportBlock[] = [];
  if (input.mapping) mappingBlocks.push({ type: 'text', text: input.mapping });
  if (mappingBlocks.length > 0) sections.push({ title: 'Column mapping', blocks: mappingBlocks });

  const distributions = distributionBlocks(baseline, current);
  if (distributions.length > 0) sections.push({ title: 'Distributions (share of values per baseline bucket)', blocks: distributions });

  if (input.drift) sections.push(driftSection(input.drift));

  if (input.notes && input.notes.length > 0) sections.push({ title: 'Notes', blocks: [{ type: 'text', text: input.notes.join('\n\n') }] });

  const subtitleParts = [
    input.schedule ? `schedule ${input.schedule}` : undefined,
    input.endpoint ? `endpoint ${input.endpoint}` : undefined,
    input.window ? `window ${input.window.start} – ${input.window.end}` : undefined,
  ].filter((s): s is string => s !== undefined);
  const summary: { label: string; value: string; tone?: 'good' | 'bad' | 'warn' }[] = [
    { label: 'status', value: count === 0 ? 'Completed' : 'CompletedWithViolations', tone: count === 0 ? 'good' : 'bad' },
    { label: 'violations', value: String(count), tone: count === 0 ? 'good' : 'bad' },
    { label: 'records analysed', value: current.dataset.item_count.toLocaleString('en-US') },
    { label: 'baseline records', value: baseline.dataset.item_count.toLocaleString('en-US') },
  ];
  if (input.drift) {
    summary.push({
      label: 'drifted columns',
      value: `${input.drift.numberOfDriftedColumns} of ${input.drift.numberOfColumns}`,
      tone: input.drift.datasetDrift ? 'bad' : input.drift.numberOfDriftedColumns > 0 ? 'warn' : 'good',
    });
  }
  return renderHtmlReport({
    title: 'Data quality monitoring report',
    ...(subtitleParts.length > 0 ? { subtitle: subtitleParts.join(' · ') } : {}),
    summary,
    sections,
  });
}

function common(f: FeatureStatistics | undefined): { present: number; missing: number } | undefined {
  const c = f?.numerical_statistics?.common ?? f?.string_statistics?.common;
  return c ? { present: c.num_present, missing: c.num_missing } : undefined;
}

function completeness(f: FeatureStatistics | undefined): string {
  const c = common(f);
  if (!c || c.present + c.missing === 0) return 'n/a';
  return `${formatNumber((100 * c.present) / (c.present + c.missing))}%`;
}

function featureTable(baseline: StatisticsJson, current: StatisticsJson): ReportBlock {
  const names = [...new Set([...baseline.features.map((f) => f.name), ...current.features.map((f) => f.name)])];
  const rows = names.map((name) => {
    const b = baseline.features.find((f) => f.name === name);
    const c = current.features.find((f) => f.name === name);
    let distance: string = 'n/a';
    const bs = b ? sketchOf(b) : undefined;
    const cs = c ? sketchOf(c) : undefined;
    if (bs && cs && bs.count > 0 && cs.count > 0) {
      const l = kllLinf(bs, cs);
      distance = `${formatNumber(l.distance)} (robust ${formatNumber(robust(l.distance, l.n, l.m))})`;
    }
    const mean = (f: FeatureStatistics | undefined) => (f?.numerical_statistics && f.numerical_statistics.common.num_present > 0 ? formatNumber(f.numerical_statistics.mean) : 'n/a');
    const range = (f: FeatureStatistics | undefined) =>
      f?.numerical_statistics && f.numerical_statistics.common.num_present > 0 ? `${formatNumber(f.numerical_statistics.min)} – ${formatNumber(f.numerical_statistics.max)}` : f?.string_statistics ? `${f.string_statistics.distinct_count} distinct` : 'n/a';
    return [name, b?.inferred_type ?? '(absent)', c?.inferred_type ?? '(absent)', completeness(b), completeness(c), mean(b), mean(c), range(b), range(c), distance];
  });
  return {
    type: 'table',
    columns: ['feature', 'baseline type', 'current type', 'baseline complete', 'current complete', 'baseline mean', 'current mean', 'baseline range', 'current range', 'KLL L∞ distance'],
    rows,
  };
}

function distributionBlocks(baseline: StatisticsJson, current: StatisticsJson): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  for (const b of baseline.features) {
    if (blocks.length >= MAX_DISTRIBUTIONS) break;
    const c = current.features.find((f) => f.name === b.name);
    const kll = b.numerical_statistics?.distribution?.kll;
    if (kll && kll.buckets.length > 0) {
      const baseTotal = kll.buckets.reduce((s, x) => s + x.count, 0);
      const cs = c ? sketchOf(c) : undefined;
      const curTotal = cs?.count ?? 0;
      const last = kll.buckets.length - 1;
      const curShares = kll.buckets.map((bucket, i) => {
        if (!cs || curTotal === 0) return 0;
        const upper = i === last ? cs.rank(bucket.upper_bound) : cs.rankExclusive(bucket.upper_bound);
        return (upper - cs.rankExclusive(bucket.lower_bound)) / curTotal;
      });
      const outside = curTotal > 0 ? 1 - curShares.reduce((s, x) => s + x, 0) : 0;
      const bins = kll.buckets.map((x) => `${formatNumber(x.lower_bound)}–${formatNumber(x.upper_bound)}`);
      const series = [
        { name: 'baseline', values: kll.buckets.map((x) => (baseTotal > 0 ? x.count / baseTotal : 0)) },
        { name: 'current', values: curShares },
      ];
      if (outside > 1e-12) {
        bins.push('outside');
        series[0]!.values.push(0);
        series[1]!.values.push(outside);
      }
      blocks.push({ type: 'histogram', title: `Distribution of ${b.name}`, bins, series });
      continue;
    }
    const cats = b.string_statistics?.distribution?.categorical.buckets;
    if (cats && cats.length > 0) {
      const top = cats.slice(0, 12);
      const baseTotal = cats.reduce((s, x) => s + x.count, 0);
      const curCats = new Map((c?.string_statistics?.distribution?.categorical.buckets ?? []).map((x) => [x.value, x.count]));
      const curTotal = [...curCats.values()].reduce((s, x) => s + x, 0);
      blocks.push({
        type: 'histogram',
        title: `Distribution of ${b.name}`,
        bins: top.map((x) => x.value),
        series: [
          { name: 'baseline', values: top.map((x) => (baseTotal > 0 ? x.count / baseTotal : 0)) },
          { name: 'current', values: top.map((x) => (curTotal > 0 ? (curCats.get(x.value) ?? 0) / curTotal : 0)) },
        ],
      });
    }
  }
  return blocks;
}

function driftSection(drift: DriftResult): ReportSection {
  const pct = drift.numberOfColumns > 0 ? formatNumber(100 * drift.shareOfDriftedColumns) : '0';
  const blocks: ReportBlock[] = [
    {
      type: 'callout',
      tone: drift.datasetDrift ? 'bad' : drift.numberOfDriftedColumns > 0 ? 'warn' : 'good',
      text: `Drift is detected for ${pct}% of columns (${drift.numberOfDriftedColumns} out of ${drift.numberOfColumns}). Dataset drift ${drift.datasetDrift ? 'is' : 'is not'} detected (threshold: ${formatNumber(100 * drift.driftShare)}% of columns).`,
    },
    {
      type: 'table',
      columns: ['column', 'type', 'test', 'score', 'threshold', 'drift', 'reference values', 'current values'],
      rows: drift.columns.map((c) => [
        c.column,
        c.columnType,
        c.scoreName ?? c.skipped ?? '',
        c.score === undefined ? null : formatNumber(c.score),
        c.threshold === undefined ? null : c.threshold,
        c.skipped ? 'not tested' : c.drifted ? 'Detected' : 'Not detected',
        c.referenceCount,
        c.currentCount,
      ]),
    },
  ];
  const distances = drift.columns.filter((c) => c.scoreType === 'distance' && c.score !== undefined);
  if (distances.length > 0) {
    blocks.push({
      type: 'bars',
      title: 'Drift distances',
      bars: distances.map((c) => ({ label: c.column, value: c.score!, tone: c.drifted ? 'bad' : 'good', note: c.scoreName! })),
      reference: distances[0]!.threshold!,
    });
  }
  const pvalues = drift.columns.filter((c) => c.scoreType === 'p_value' && c.score !== undefined);
  if (pvalues.length > 0) {
    blocks.push({
      type: 'bars',
      title: 'Drift p-values',
      domain: [0, 1],
      bars: pvalues.map((c) => ({ label: c.column, value: c.score!, tone: c.drifted ? 'bad' : 'good', note: c.scoreName! })),
      reference: pvalues[0]!.threshold!,
    });
  }
  if (drift.segments && drift.segments.length > 0) {
    blocks.push({ type: 'text', text: `Drift per segment of \`${drift.segmentBy}\`:` });
    blocks.push({
      type: 'table',
      columns: ['segment', 'reference rows', 'current rows', 'drifted columns', 'dataset drift'],
      rows: drift.segments.map((s) => [s.value, s.referenceRows, s.currentRows, `${s.drift.numberOfDriftedColumns} of ${s.drift.numberOfColumns}`, s.drift.datasetDrift ? 'Detected' : 'Not detected']),
    });
  }
  return { title: 'Statistical drift (plumbline, beyond SageMaker)', blocks };
}
