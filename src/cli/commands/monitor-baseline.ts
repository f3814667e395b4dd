/**
 * @module cli/commands/monitor-baseline
 * `plumbline monitor suggest-baseline --data FILE [--no-header] --output DIR`: Model Monitor's baselining job.
 * Runs as a job (type `baseline-suggestion`, listed with the workspace's jobs), writes `statistics.json` and
 * `constraints.json` in the container's exact form, and prints the suggested constraints per feature.
 */
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.js';
import type { Platform, Progress } from '../../index.js';
import type { CommandContext } from '../main.js';

interface SuggestBaselineFlags {
  data: string;
  header: boolean;
  format?: string;
  output: string;
  jobName?: string;
  categoricalDriftMethod?: string;
}

type SuggestResult = Awaited<ReturnType<Platform['monitor']['suggestBaseline']>>;

export function registerMonitorBaseline(monitor: Command, ctx: CommandContext): void {
  monitor
    .command('suggest-baseline')
    .description('baseline a training dataset: writes statistics.json and constraints.json (as SageMaker suggest_baseline)')
    .requiredOption('--data <file>', 'baseline dataset: CSV (header line by default), JSON Lines or Parquet; a path or an object-store URI')
    .option('--no-header', 'the CSV has no header line (columns are named _c0, _c1, …)')
    .option('--format <format>', 'csv | jsonl | parquet (default: from the file extension)')
    .option('--output <dir>', 'folder or object-store URI for statistics.json and constraints.json', 'baseline-results')
    .option('--categorical-drift-method <method>', 'LInfinity (default) or ChiSquared, written into monitoring_config')
    .option('--job-name <name>', 'name of the baselining job (default: generated)')
    .action(async (o: SuggestBaselineFlags) => {
      const datasetFormat = formatFromFlags(o);
      const method = o.categoricalDriftMethod;
      if (method !== undefined && method !== 'LInfinity' && method !== 'ChiSquared') {
        throw new ValidationError([{ path: '--categorical-drift-method', message: `got "${method}", expected LInfinity or ChiSquared` }]);
      }
      const bar = ctx.progress();
      const { job, result } = await ctx.withPlatform(async (p) => {
        const started = await p.jobs.start<SuggestResult>(
          { type: 'baseline-suggestion', ...(o.jobName ? { name: o.jobName } : {}), parameters: { dataset: o.data, dataset_format: datasetFormat ?? 'auto', output_path: o.output } },
          async (j) => {
            const r = await p.monitor.suggestBaseline({
              dataset: o.data,
              output: o.output,
              ...(datasetFormat ? { datasetFormat } : {}),
              ...(method ? { monitoringConfig: { distribution_constraints: { categorical_drift_method: method } } } : {}),
              progress: tee(j.progress, bar),
            });
            return { outputs: { statistics: r.files.statistics, constraints: r.files.constraints }, result: r };
          },
        );
        return { job: started.name, result: await started.wait() };
      });
      const { statistics, constraints, files } = result;
      ctx.out().result({ job, files, item_count: statistics.dataset.item_count, features: constraints.features }, () => {
        const rows = constraints.features.map((c) => {
          const s = statistics.features.find((f) => f.name === c.name);
          const n = s?.numerical_statistics;
          const summary = n && n.common.num_present > 0 ? `mean ${round(n.mean)}, min ${n.min}, max ${n.max}` : s?.string_statistics ? `${s.string_statistics.distinct_count} distinct` : '';
          const extra = c.num_constraints?.is_non_negative !== undefined ? `non-negative: ${c.num_constraints.is_non_negative}` : c.string_constraints?.domains ? `domains: ${c.string_constraints.domains.length}` : '';
          return [c.name, c.inferred_type, String(round(c.completeness ?? 0)), extra, summary];
        });
        return [
          `baselining job ${job}: ${statistics.dataset.item_count} records, ${constraints.features.length} features`,
          table(['feature', 'inferred_type', 'completeness', 'constraint', 'statistics'], rows),
          '',
          `statistics:  ${files.statistics}`,
          `constraints: ${files.constraints}`,
        ].join('\n');
      });
    });
}

function formatFromFlags(o: SuggestBaselineFlags): { csv: { header: boolean } } | { json: { lines: true } } | { parquet: Record<string, never> } | undefined {
  const format = o.format ?? (/\.csv(\.gz)?$/i.test(o.data) || !o.header ? 'csv' : undefined);
  switch (format) {
    case undefined:
      return undefined;
    case 'csv':
      return { csv: { header: o.header } };
    case 'jsonl':
    case 'json':
      return { json: { lines: true } };
    case 'parquet':
      return { parquet: {} };
    default:
      throw new ValidationError([{ path: '--format', message: `got "${format}", expected csv, jsonl or parquet` }]);
  }
}

function tee(a: Progress, b: Progress): Progress {
  return {
    start: (n, label) => (a.start(n, label), b.start(n, label)),
    tick: (n) => (a.tick(n), b.tick(n)),
    done: () => (a.done(), b.done()),
  };
}

/** Six significant digits, but never rounding the integer part of large numbers (epoch seconds, ids). */
function round(x: number): number {
  return Math.abs(x) >= 1e5 ? Number(x.toFixed(2)) : Number(x.toPrecision(6));
}

function table(columns: string[], rows: string[][]): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns), ...rows.map(line)].join('\n');
}
