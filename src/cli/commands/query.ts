/**
 * @module cli/commands/query
 * `plumbline query "SELECT ..."`: read-only SQL on the offline store. Prints a table, CSV or JSON, or writes
 * CSV/Parquet/JSONL to a file or into the object store.
 */
import type { Command } from 'commander';
import { ValidationError, writeTable } from '../../index.js';
import { stringifyJson } from '../../core/json.js';
import { tableToCsv } from '../../table/index.js';
import { tableToRows } from '../../core/columns.js';
import { formatTable } from '../output.js';
import type { CommandContext } from '../main.js';

export function registerQuery(program: Command, ctx: CommandContext): void {
  program
    .command('query <sql>')
    .description('run a read-only SELECT on the offline store; each feature group is a table named after it')
    .option('--format <format>', 'table, csv, json, jsonl or parquet (default: table on a terminal, csv otherwise; from --out extension)')
    .option('--no-header', 'CSV without header row')
    .option('--out <uri>', 'write the result to a file, or into the object store (s3://... or file://... inside it)')
    .action(async (sql: string, o) => {
      const json = ctx.out().options.json;
      const format: string = o.format ?? (o.out ? extFormat(o.out) : json ? 'json' : ctx.io.stdout.isTTY ? 'table' : 'csv');
      if (!['table', 'csv', 'json', 'jsonl', 'parquet'].includes(format)) {
        throw new ValidationError([{ path: '--format', message: `got "${format}", expected table, csv, json, jsonl or parquet` }]);
      }
      await ctx.withPlatform(async (p) => {
        if (o.out) {
          if (format === 'table' || format === 'json') throw new ValidationError([{ path: '--format', message: `got "${format}" with --out, expected csv, jsonl or parquet` }]);
          const inStore = /^[a-z][a-z0-9+.-]*:\/\//i.test(o.out) && p.objectStore.keyOf(o.out) !== undefined;
          if (inStore) {
            const r = await p.featureStore.exportQuery(sql, { uri: o.out, format: format as 'csv' | 'parquet' | 'jsonl', header: o.header });
            ctx.out().result(r, () => `wrote ${r.rows} rows to ${r.uri}`);
          } else {
            const { table } = await p.featureStore.query(sql);
            await writeTable(table, o.out, { format: format as 'csv' | 'parquet' | 'jsonl', header: o.header });
            ctx.out().result({ rows: table.length, path: o.out }, () => `wrote ${table.length} rows to ${o.out}`);
          }
          return;
        }
        if (format === 'parquet') throw new ValidationError([{ path: '--format', message: 'parquet needs --out FILE' }]);
        const { table } = await p.featureStore.query(sql);
        if (format === 'json' || json) ctx.io.stdout.write(stringifyJson(tableToRows(table, { timestamps: 'iso' }), 2) + '\n');
        else if (format === 'jsonl') ctx.io.stdout.write(tableToRows(table, { timestamps: 'iso' }).map((r) => stringifyJson(r)).join('\n') + (table.length ? '\n' : ''));
        else if (format === 'csv') ctx.io.stdout.write(tableToCsv(table, { header: o.header }));
        else ctx.io.stdout.write(formatTable(table) + '\n');
      });
    });
}

function extFormat(path: string): string {
  if (/\.parquet$/i.test(path)) return 'parquet';
  if (/\.(jsonl|ndjson)$/i.test(path)) return 'jsonl';
  return 'csv';
}
