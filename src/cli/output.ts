/**
 * @module cli/output
 * How commands print: JSON with --json, otherwise a readable form; errors as one line
 * `error[CODE]: message` (the stack only with --debug) and the exit code from the error catalog.
 */
import { ERROR_CATALOG, isPlatformError, tableToRows, type ColumnTable } from '../index.js';
import { stringifyJson } from '../core/json.js';
import type { CliIo } from './io.js';

export interface OutputOptions {
  json: boolean;
  debug: boolean;
}

export class Output {
  constructor(
    readonly io: CliIo,
    readonly options: OutputOptions,
  ) {}

  /** Prints a result: as JSON with --json, else through `human` (or as indented JSON). */
  result(value: unknown, human?: () => string): void {
    if (this.options.json || !human) this.io.stdout.write(stringifyJson(value, 2) + '\n');
    else this.io.stdout.write(human().replace(/\n?$/, '\n'));
  }

  /** A line of narration on stderr (not with --json, so stdout stays machine-readable). */
  info(line: string): void {
    if (!this.options.json) this.io.stderr.write(line + '\n');
  }

  /** Prints an error and returns the exit code to use. */
  error(e: unknown): number {
    if (isPlatformError(e)) {
      const entry = ERROR_CATALOG[e.code];
      if (this.options.json) {
        const problem = { type: `/errors/${e.code}`, title: entry.title, status: entry.status, detail: e.message, code: e.code, ...(e.details ? { details: e.details } : {}) };
        this.io.stderr.write(stringifyJson(problem) + '\n');
      } else {
        this.io.stderr.write(`error[${e.code}]: ${oneLine(e.message)}\n`);
      }
      if (this.options.debug && e.stack) this.io.stderr.write(e.stack + '\n');
      return entry.exitCode;
    }
    const message = e instanceof Error ? e.message : String(e);
    if (this.options.json) this.io.stderr.write(stringifyJson({ title: 'Internal error', status: 500, detail: message, code: 'INTERNAL' }) + '\n');
    else this.io.stderr.write(`error[INTERNAL]: ${oneLine(message)}\n${this.options.debug ? '' : 'hint: run again with --debug for the stack trace\n'}`);
    if (this.options.debug && e instanceof Error && e.stack) this.io.stderr.write(e.stack + '\n');
    return ERROR_CATALOG.INTERNAL.exitCode;
  }
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}

/** A plain text table of a column table (at most `limit` rows). */
export function formatTable(table: ColumnTable, limit = 50): string {
  const rows = tableToRows(table, { timestamps: 'iso' }).slice(0, limit);
  const names = table.columns.map((c) => c.name);
  const cells = rows.map((r) => names.map((n) => (r[n] === null ? 'NULL' : String(r[n]))));
  const widths = names.map((n, i) => Math.max(n.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(names), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  if (table.length > limit) out.push(`... ${table.length - limit} more rows (${table.length} in all)`);
  else out.push(`(${table.length} row${table.length === 1 ? '' : 's'})`);
  return out.join('\n');
}
