/**
 * @module cli/commands/datasets
 * `plumbline datasets scholarship` (the chapter's synthetic data) and `plumbline datasets build` (a
 * point-in-time dataset from a JSON spec).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { builderFromSpec, readTable, ValidationError, writeScholarship } from '../../index.js';
import { intOption, type CommandContext } from '../main.js';

export function registerDatasets(program: Command, ctx: CommandContext): void {
  const datasets = program.command('datasets').description('generate example data and build training datasets');

  datasets
    .command('scholarship')
    .description('the chapter\'s scholarship applicants: approved, sex, math, science, technology, random1, random2, index, event_time')
    .requiredOption('--out <file>', '.csv or .parquet')
    .option('--rows <n>', 'number of rows', intOption('rows', 1, 10_000_000), 1000)
    .option('--seed <n>', 'random seed (same seed, same file)', intOption('seed', 0, 2 ** 31 - 1), 42)
    .option('--event-time <seconds>', 'unix seconds for event_time (default: now, rounded to the second)')
    .option('--event-time-spread <seconds>', 'spread event times uniformly over this many seconds after --event-time')
    .action(async (o) => {
      const eventTime = o.eventTime !== undefined ? Number(o.eventTime) : Math.floor(Date.now() / 1000);
      const spread = o.eventTimeSpread !== undefined ? Number(o.eventTimeSpread) : undefined;
      await writeScholarship(o.out, { rows: o.rows, seed: o.seed, eventTime, ...(spread !== undefined ? { eventTimeSpreadSeconds: spread } : {}) });
      ctx.out().result({ path: o.out, rows: o.rows, seed: o.seed, eventTime }, () => `wrote ${o.rows} rows to ${o.out}`);
    });

  datasets
    .command('build')
    .description('build a training dataset from feature groups (point-in-time join, dedup, deleted records) and write it')
    .requiredOption('--spec <file>', 'JSON spec: {"base": {"featureGroup": "g"} | {"file", "recordIdentifierName", "eventTimeFeatureName"}, "featureGroups": [...], "pointInTimeAccurateJoin": true, ...}')
    .requiredOption('--out <uri>', 'a local file or a location in the object store (.csv, .parquet, .jsonl)')
    .option('--format <format>', 'csv, parquet or jsonl (default: from --out)')
    .option('--no-header', 'CSV without header row')
    .option('--show-sql', 'print the generated SQL')
    .action(async (o) => {
      let spec: unknown;
      try {
        spec = JSON.parse(await readFile(o.spec, 'utf8'));
      } catch (e) {
        throw new ValidationError([{ path: '--spec', message: `${o.spec} is not readable JSON (${(e as Error).message})` }]);
      }
      const result = await ctx.withPlatform(async (p) => {
        const fs = p.featureStore;
        const builder = await builderFromSpec(spec, (name) => fs.offlineGroup(name), (path) => readTable(path));
        const written = await fs.writeDataset(builder, o.out, { ...(o.format ? { format: o.format } : {}), header: o.header });
        return { ...written, sql: builder.toSql() };
      });
      if (o.showSql) ctx.out().info(result.sql);
      ctx.out().result(result, () => `wrote ${result.rows} rows to ${result.uri}`);
    });
}
