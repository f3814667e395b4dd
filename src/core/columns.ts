/**
 * @module core/columns
 * The in-memory table every module passes around: one typed array per column, never one object per row.
 * - `int` and `float` columns hold Float64Array values with NaN for null (integers are exact up to 2^53;
 *   wider 64-bit integers travel as `string` columns).
 * - `bool` columns hold 0/1 in a Uint8Array with a validity mask for nulls.
 * - `timestamp` columns hold epoch milliseconds in a Float64Array (NaN = null).
 * - `string` columns hold `string | null` per row.
 */
export type ColumnType = 'int' | 'float' | 'bool' | 'timestamp' | 'string';

export type Column =
  | { name: string; type: 'int' | 'float' | 'timestamp'; values: Float64Array }
  | { name: string; type: 'bool'; values: Uint8Array; valid: Uint8Array }
  | { name: string; type: 'string'; values: (string | null)[] };

export interface ColumnTable {
  readonly length: number;
  readonly columns: Column[];
}

export function columnNames(table: ColumnTable): string[] {
  return table.columns.map((c) => c.name);
}

export function getColumn(table: ColumnTable, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

export function isNullAt(column: Column, row: number): boolean {
  switch (column.type) {
    case 'string':
      return column.values[row] === null || column.values[row] === undefined;
    case 'bool':
      return column.valid[row] === 0;
    default:
      return Number.isNaN(column.values[row]!);
  }
}

/** The value of one cell as a JS value (number, boolean, string) or null. For the edges only, not hot loops. */
export function valueAt(column: Column, row: number): number | boolean | string | null {
  switch (column.type) {
    case 'string':
      return column.values[row] ?? null;
    case 'bool':
      return column.valid[row] === 0 ? null : column.values[row] === 1;
    default: {
      const v = column.values[row]!;
      return Number.isNaN(v) ? null : v;
    }
  }
}

/** Rows `[start, end)` of a table, as views where the storage allows. */
export function sliceTable(table: ColumnTable, start: number, end: number): ColumnTable {
  const columns = table.columns.map((c): Column => {
    switch (c.type) {
      case 'string':
        return { name: c.name, type: 'string', values: c.values.slice(start, end) };
      case 'bool':
        return { name: c.name, type: 'bool', values: c.values.subarray(start, end), valid: c.valid.subarray(start, end) };
      default:
        return { name: c.name, type: c.type, values: c.values.subarray(start, end) };
    }
  });
  return { length: Math.max(0, end - start), columns };
}

/** Keeps only the rows whose index is listed, in that order. */
export function takeRows(table: ColumnTable, rows: ArrayLike<number>): ColumnTable {
  const n = rows.length;
  const columns = table.columns.map((c): Column => {
    switch (c.type) {
      case 'string': {
        const out: (string | null)[] = new Array(n);
        for (let i = 0; i < n; i++) out[i] = c.values[rows[i]!] ?? null;
        return { name: c.name, type: 'string', values: out };
      }
      case 'bool': {
        const values = new Uint8Array(n);
        const valid = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          values[i] = c.values[rows[i]!]!;
          valid[i] = c.valid[rows[i]!]!;
        }
        return { name: c.name, type: 'bool', values, valid };
      }
      default: {
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = c.values[rows[i]!]!;
        return { name: c.name, type: c.type, values: out };
      }
    }
  });
  return { length: n, columns };
}

/** Builds a table from row objects: for small inputs at the edges (API bodies, tests). */
export function tableFromRows(rows: Record<string, unknown>[], order?: string[]): ColumnTable {
  const names = order ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const n = rows.length;
  const columns = names.map((name): Column => {
    let kind: ColumnType | undefined;
    for (const r of rows) {
      const v = r[name];
      if (v === null || v === undefined) continue;
      const k: ColumnType =
        typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : v instanceof Date ? 'timestamp' : 'string';
      if (kind === undefined) kind = k;
      else if (kind !== k) kind = (kind === 'int' && k === 'float') || (kind === 'float' && k === 'int') ? 'float' : 'string';
    }
    kind ??= 'string';
    if (kind === 'string') {
      return { name, type: 'string', values: rows.map((r) => (r[name] === null || r[name] === undefined ? null : String(r[name]))) };
    }
    if (kind === 'bool') {
      const values = new Uint8Array(n);
      const valid = new Uint8Array(n);
      rows.forEach((r, i) => {
        if (typeof r[name] === 'boolean') {
          valid[i] = 1;
          values[i] = r[name] ? 1 : 0;
        }
      });
      return { name, type: 'bool', values, valid };
    }
    const values = new Float64Array(n);
    rows.forEach((r, i) => {
      const v = r[name];
      values[i] = v === null || v === undefined ? NaN : v instanceof Date ? v.getTime() : Number(v);
    });
    return { name, type: kind, values };
  });
  return { length: n, columns };
}

/**
 * Row objects from a table: for small outputs at the edges (printing, API responses, tests). Timestamps
 * are epoch milliseconds, or ISO-8601 strings with `{ timestamps: 'iso' }`.
 */
export function tableToRows(table: ColumnTable, options: { timestamps?: 'ms' | 'iso' } = {}): Record<string, number | boolean | string | null>[] {
  const iso = options.timestamps === 'iso';
  const out: Record<string, number | boolean | string | null>[] = new Array(table.length);
  for (let i = 0; i < table.length; i++) {
    const row: Record<string, number | boolean | string | null> = {};
    for (const c of table.columns) {
      const v = valueAt(c, i);
      row[c.name] = iso && c.type === 'timestamp' && typeof v === 'number' && Number.isFinite(v) ? new Date(v).toISOString() : v;
    }
    out[i] = row;
  }
  return out;
}
