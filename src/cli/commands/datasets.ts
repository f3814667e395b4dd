/**
 * @module cli/commands/datasets
 * `plumbline datasets scholarship` (the chapter's synthetic data) and `plumbline datasets build` (a
 * point-in-time dataset from a JSON spec).
 */
import type { Command } from 'commander';
import { writeScholarship } from '../../index.js';
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
      const eventTime = o.eventTime !== undefined ? Number(o.eventTime) : Math.round(Date.now() / 1000);
      const spread = o.eventTimeSpread !== undefined ? Number(o.eventTimeSpread) : undefined;
      await writeScholarship(o.out, { rows: o.rows, seed: o.seed, eventTime, ...(spread !== undefined ? { eventTimeSpreadSeconds: spread } : {}) });
      ctx.out().result({ path: o.out, rows: o.rows, seed: o.seed, eventTime }, () => `wrote ${o.rows} rows to ${o.out}`);
    });
}
