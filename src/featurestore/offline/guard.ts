/**
 * @module featurestore/offline/guard
 * The read-only guard for user SQL over the offline store. DuckDB parses the statement
 * (`json_serialize_sql`, which only serializes SELECTs), and the AST is checked:
 * - exactly one statement, and it is a SELECT (DESCRIBE/SUMMARIZE of a SELECT included);
 * - no table functions at all (read_csv, read_parquet, glob, query_table, ...): every row must come from a
 *   feature-group view, a CTE or an inline VALUES list;
 * - no scalar function from the deny list below;
 * - every base table is a registered feature-group view or a CTE in scope, unqualified.
 *
 * The deny list (not an allow list of DuckDB's several hundred functions, which would break user queries on
 * every DuckDB upgrade) exists to name the offending call in a clear error. The sandbox itself is the DuckDB
 * instance: external access disabled, file access limited to the store's folders, configuration locked.
 *
 * It also rewrites SageMaker-style time-travel predicates that DuckDB would refuse: a Fractional event time
 * (DOUBLE seconds) compared with a TIMESTAMP gets `epoch(<timestamp>)`, and a String event time (ISO-8601
 * VARCHAR) gets `TRY_CAST(<column> AS TIMESTAMP)`, so `event_time <= timestamp '...'` works for both.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { PlatformError } from '../../core/errors.js';
import type { OfflineGroup } from '../model.js';
import { tablesOf } from './views.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const DENIED_FUNCTIONS: RegExp[] = [
  /^read_/, // read_csv, read_text, read_blob, read_json, read_parquet (also as scalars on some versions)
  /^write_/,
  /^glob$/,
  /^getenv$/,
  /^current_setting$/, // would expose allowed_directories and other settings
  /^duckdb_/, // catalog, settings, secrets, extensions
  /^pragma_/,
  /^parquet_/, // parquet_metadata / parquet_schema read arbitrary files
  /^sniff_csv$/,
  /^query$/,
  /^query_table$/,
  /^json_execute_serialized_sql$/, // runs any serialized statement
  /^load_extension$/,
  /^which_secret$/,
  /^(iceberg|delta|sqlite|postgres|mysql|ducklake|http)_/,
];

const reject = (message: string): PlatformError => new PlatformError('QUERY_REJECTED', message);

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The leading keyword of each statement in `sql` (comments and quoted text skipped), for error messages:
 * which statement kind was refused.
 */
export function statementKeywords(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let i = 0;
  const flush = (): void => {
    const word = /^[\s(]*([A-Za-z]+)/.exec(current);
    if (word) out.push(word[1]!.toUpperCase());
    current = '';
  };
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
      current += ' ';
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      current += ' ';
    } else if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === ch && sql[j + 1] !== ch)) j += sql[j] === ch ? 2 : 1;
      current += sql.slice(i, j + 1);
      i = j + 1;
    } else if (ch === ';') {
      flush();
      i++;
    } else {
      current += ch;
      i++;
    }
  }
  flush();
  return out;
}

const SELECT_KEYWORDS = new Set(['SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE', 'DESCRIBE', 'SUMMARIZE', 'SHOW']);

/**
 * DuckDB writes 64-bit integers (unset `query_location`s are 2^64-1, constants may be anything) that a JS number
 * cannot hold; they are carried through the rewrite as `{"$big": "<digits>"}` and written back verbatim.
 */
const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const BIG_MARKER = /\{"\$big":"(-?\d+)"\}/g;

function parseJson(text: string): Json {
  return JSON.parse(text.replace(JSON_TOKEN, (m) => (/^-?\d{16,}$/.test(m) ? `{"$big":"${m}"}` : m))) as Json;
}

function stringifyJson(value: Json): string {
  return JSON.stringify(value).replace(BIG_MARKER, '$1');
}

/** Parses with DuckDB; returns the single SELECT statement's AST or throws QUERY_REJECTED / QUERY_FAILED. */
async function parseSelect(conn: DuckDBConnection, sql: string): Promise<JsonObject> {
  const reader = await conn.runAndReadAll('SELECT CAST(json_serialize_sql(CAST($1 AS VARCHAR)) AS VARCHAR)', [sql]);
  const parsed = parseJson(String(reader.getRows()[0]![0])) as JsonObject;
  const keywords = statementKeywords(sql);
  if (parsed.error === true) {
    if (parsed.error_type === 'not implemented') {
      const other = keywords.find((k) => !SELECT_KEYWORDS.has(k));
      throw reject(
        other !== undefined
          ? `only a single SELECT statement is allowed; got ${other}`
          : `only a single SELECT statement is allowed; this one could not be checked (${String(parsed.error_message ?? 'not serializable')})`,
      );
    }
    throw new PlatformError('QUERY_FAILED', String(parsed.error_message ?? 'the query could not be parsed').split('\n')[0]!);
  }
  const statements = Array.isArray(parsed.statements) ? parsed.statements : [];
  if (statements.length === 0) throw reject('only a single SELECT statement is allowed; got an empty query');
  if (statements.length > 1) throw reject(`only a single SELECT statement is allowed; got ${statements.length} statements`);
  const statement = statements[0];
  if (!isObject(statement)) throw new PlatformError('INTERNAL', 'unexpected json_serialize_sql output');
  return statement;
}

/** Every violation of the read-only rules, in query order, without duplicates. */
function violations(statement: JsonObject, tables: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  const tableFunctions = new Set<JsonObject>();
  const available = [...tables].sort().join(', ') || '(none)';
  const visit = (node: Json, ctes: ReadonlySet<string>): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, ctes);
      return;
    }
    if (!isObject(node)) return;
    let scope = ctes;
    const cteMap = isObject(node.cte_map) && Array.isArray(node.cte_map.map) ? node.cte_map.map : [];
    const names = cteMap.flatMap((e) => (isObject(e) && typeof e.key === 'string' ? [e.key.toLowerCase()] : []));
    if (typeof node.cte_name === 'string') names.push(node.cte_name.toLowerCase());
    if (names.length > 0) scope = new Set([...ctes, ...names]);

    const isTableRef = !('class' in node);
    if (isTableRef && node.type === 'TABLE_FUNCTION') {
      if (isObject(node.function)) tableFunctions.add(node.function);
      const fn = isObject(node.function) ? String(node.function.function_name ?? '?') : '?';
      found.add(`table function ${fn}() is not allowed; query the feature group tables (${available})`);
    } else if (isTableRef && node.type === 'BASE_TABLE' && typeof node.table_name === 'string') {
      const qualified = [node.catalog_name, node.schema_name, node.table_name].filter((p) => typeof p === 'string' && p !== '').join('.');
      if (node.schema_name || node.catalog_name) {
        found.add(`table ${qualified} is not allowed; use the unqualified feature group tables (${available})`);
      } else if (!tables.has(node.table_name.toLowerCase()) && !scope.has(node.table_name.toLowerCase())) {
        found.add(`unknown table "${node.table_name}"; the feature group tables are: ${available}`);
      }
    } else if (isTableRef && node.type === 'SHOW_REF' && !isObject(node.query)) {
      found.add(`SHOW ${String(node.table_name ?? '').replaceAll('"', '')} is not allowed`.trim());
    } else if (node.class === 'FUNCTION' && typeof node.function_name === 'string' && !tableFunctions.has(node)) {
      const name = node.function_name.toLowerCase();
      if (DENIED_FUNCTIONS.some((re) => re.test(name))) found.add(`function ${name}() is not allowed in offline store queries`);
    }
    for (const value of Object.values(node)) visit(value, scope);
  };
  visit(statement, new Set());
  return [...found];
}

// --- event-time rewrite ---------------------------------------------------------------------------------------

const TIMESTAMP_TYPE = /^(TIMESTAMP|DATE)/;
const TIMESTAMP_FUNCTIONS = new Set([
  'now',
  'current_timestamp',
  'get_current_timestamp',
  'transaction_timestamp',
  'to_timestamp',
  'make_timestamp',
  'make_timestamptz',
  'strptime',
  'current_date',
  'today',
  'date_trunc',
  'time_bucket',
]);
const TIMESTAMP_KEYWORDS = new Set(['current_timestamp', 'current_date', 'localtimestamp']);

function isTimestampExpr(e: Json | undefined): boolean {
  if (!isObject(e)) return false;
  if (e.class === 'CAST') return isObject(e.cast_type) && TIMESTAMP_TYPE.test(String(e.cast_type.id));
  if (e.class === 'CONSTANT') return isObject(e.value) && isObject(e.value.type) && TIMESTAMP_TYPE.test(String(e.value.type.id));
  if (e.class === 'COLUMN_REF') {
    const names = e.column_names;
    return Array.isArray(names) && names.length === 1 && TIMESTAMP_KEYWORDS.has(String(names[0]).toLowerCase());
  }
  if (e.class === 'FUNCTION' && typeof e.function_name === 'string') {
    const name = e.function_name.toLowerCase();
    if (TIMESTAMP_FUNCTIONS.has(name)) return true;
    // timestamp +/- interval
    if ((name === '+' || name === '-') && Array.isArray(e.children)) return isTimestampExpr(e.children[0]);
  }
  return false;
}

/** Event-time column names (lower case) and their SMFS type; names whose meaning differs between groups are left out. */
function eventTimeColumns(groups: OfflineGroup[]): Map<string, 'String' | 'Fractional'> {
  const meaning = new Map<string, string>();
  for (const g of groups) {
    for (const d of g.definitions) {
      const key = d.FeatureName.toLowerCase();
      const m = d.FeatureName === g.eventTimeFeatureName ? `event:${g.eventTimeType}` : `feature:${d.FeatureType}`;
      const seen = meaning.get(key);
      meaning.set(key, seen === undefined || seen === m ? m : 'ambiguous');
    }
  }
  const out = new Map<string, 'String' | 'Fractional'>();
  for (const [k, m] of meaning) {
    if (m === 'event:String') out.set(k, 'String');
    if (m === 'event:Fractional') out.set(k, 'Fractional');
  }
  return out;
}

const epochOf = (child: JsonObject): JsonObject => ({
  class: 'FUNCTION',
  type: 'FUNCTION',
  alias: '',
  query_location: child.query_location ?? 0,
  function_name: 'epoch',
  schema: '',
  children: [child],
  filter: null,
  order_bys: { type: 'ORDER_MODIFIER', orders: [] },
  distinct: false,
  is_operator: false,
  export_state: false,
  catalog: '',
});

const timestampOf = (child: JsonObject): JsonObject => ({
  class: 'CAST',
  type: 'OPERATOR_CAST',
  alias: '',
  query_location: child.query_location ?? 0,
  child,
  cast_type: { id: 'TIMESTAMP', type_info: null },
  try_cast: true,
});

/** Rewrites event-time comparisons in place; returns how many it changed. */
function rewriteEventTimeComparisons(statement: JsonObject, columns: Map<string, 'String' | 'Fractional'>): number {
  if (columns.size === 0) return 0;
  let changed = 0;
  const eventType = (e: Json | undefined): 'String' | 'Fractional' | undefined => {
    if (!isObject(e) || e.class !== 'COLUMN_REF' || !Array.isArray(e.column_names) || e.column_names.length === 0) return undefined;
    return columns.get(String(e.column_names[e.column_names.length - 1]).toLowerCase());
  };
  /** `column <op> other`: fixes whichever side needs it. */
  const fix = (node: JsonObject, columnKey: string, otherKey: string): void => {
    const type = eventType(node[columnKey]);
    if (type === undefined || !isTimestampExpr(node[otherKey])) return;
    if (type === 'Fractional') node[otherKey] = epochOf(node[otherKey] as JsonObject);
    else node[columnKey] = timestampOf(node[columnKey] as JsonObject);
    changed++;
  };
  const visit = (node: Json): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (!isObject(node)) return;
    if (node.class === 'COMPARISON') {
      fix(node, 'left', 'right');
      fix(node, 'right', 'left');
    } else if (node.class === 'BETWEEN') {
      const type = eventType(node.input);
      if (type === 'Fractional') {
        for (const k of ['lower', 'upper']) {
          if (isTimestampExpr(node[k])) {
            node[k] = epochOf(node[k] as JsonObject);
            changed++;
          }
        }
      } else if (type === 'String' && (isTimestampExpr(node.lower) || isTimestampExpr(node.upper))) {
        node.input = timestampOf(node.input as JsonObject);
        changed++;
      }
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(statement);
  return changed;
}

/**
 * Checks user SQL against the read-only rules for `groups` and returns the SQL to run: the original text,
 * or DuckDB's re-rendering of the AST when an event-time comparison was rewritten.
 */
export async function guardQuery(conn: DuckDBConnection, sql: string, groups: OfflineGroup[]): Promise<string> {
  if (sql.trim() === '') throw reject('only a single SELECT statement is allowed; got an empty query');
  const statement = await parseSelect(conn, sql);
  const problems = violations(statement, new Set(tablesOf(groups).keys()));
  if (problems.length > 0) throw reject(problems.join('; '));
  if (rewriteEventTimeComparisons(statement, eventTimeColumns(groups)) === 0) return sql;
  const document = { error: false, statements: [statement] };
  const reader = await conn.runAndReadAll('SELECT json_deserialize_sql(CAST($1 AS JSON))', [stringifyJson(document)]);
  return String(reader.getRows()[0]![0]);
}
