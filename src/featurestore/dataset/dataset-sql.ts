/**
 * @module featurestore/dataset/dataset-sql
 * Generates the DuckDB query for a {@link DatasetPlan}. One CTE chain per table:
 *
 * - `*_src`: the view's feature columns plus helpers (`__pl_et` event time as epoch µs, `__pl_at`
 *   api_invocation_time, `__pl_wt` write_time, `__pl_del` is_deleted, join keys), with the asOf and
 *   event-time-range filters (markers are dropped here when deleted records are included).
 * - `*_dedup`: one row per (record id, event time), latest api_invocation_time then write_time.
 * - `*_live`: drops markers and the rows a marker hides (same record id, event time <= marker's).
 * - base only, `base_recent`: the n most recent rows per base record id.
 * - targets: plain join → latest surviving row per join key; point-in-time → one row per
 *   (join key, event time) with markers kept, so the ASOF join can land on a marker and yield NULLs.
 *
 * The final SELECT joins them, renames outputs, orders by base record id then base event time.
 */
import type { DatasetPlan, EntitySource, GroupSource, KeyKind, TargetPlan } from './dataset-plan.js';
import { entityEventTimeMicros, eventTimeMicros, msToMicros, quoteIdent as q, timestampLiteral } from './sql-text.js';

const ET = '__pl_et';
const AT = '__pl_at';
const WT = '__pl_wt';
const DEL = '__pl_del';
const KEY = '__pl_key';
const baseKey = (i: number) => `__pl_k${i}`;
const LATEST_FIRST = `${AT} DESC NULLS LAST, ${WT} DESC NULLS LAST`;

interface Cte {
  name: string;
  sql: string;
}

export function buildDatasetSql(plan: DatasetPlan): string {
  const ctes: Cte[] = [...baseCtes(plan)];
  plan.targets.forEach((t, i) => ctes.push(...targetCtes(plan, t, i + 1)));
  const withClause = ctes.map((c) => `${c.name} AS (\n${indent(c.sql)}\n)`).join(',\n');
  return `WITH ${withClause}\n${finalSelect(plan)}`;
}

/** A mixed string/number key pair compares as DOUBLE (e.g. CSV ids "42" against an Integral record id). */
function keySql(columnSql: string, own: KeyKind | undefined, other: KeyKind | undefined): string {
  return own === 'string' && other === 'number' ? `TRY_CAST(${columnSql} AS DOUBLE)` : columnSql;
}

function sourceEventTime(src: GroupSource | EntitySource): string {
  return src.kind === 'group'
    ? eventTimeMicros(q(src.eventTimeFeatureName), src.eventTimeType)
    : entityEventTimeMicros(q(src.eventTimeMsColumn));
}

function filters(plan: DatasetPlan, src: GroupSource | EntitySource): string[] {
  const et = sourceEventTime(src);
  const where: string[] = [];
  if (plan.eventTimeStartMs !== undefined) where.push(`${et} >= ${msToMicros(plan.eventTimeStartMs)}`);
  if (plan.eventTimeEndMs !== undefined) where.push(`${et} <= ${msToMicros(plan.eventTimeEndMs)}`);
  if (src.kind === 'group') {
    if (plan.asOfMs !== undefined) where.push(`"write_time" <= ${timestampLiteral(plan.asOfMs)}`);
    if (plan.includeDeletedRecords) where.push(`NOT coalesce("is_deleted", false)`);
  }
  return where;
}

function srcSql(plan: DatasetPlan, src: GroupSource | EntitySource, extra: string[]): string {
  const from = src.kind === 'group' ? src.view : src.table;
  const cols = [...src.columns.map(q), `${sourceEventTime(src)} AS ${ET}`];
  if (src.kind === 'group') cols.push(`"api_invocation_time" AS ${AT}`, `"write_time" AS ${WT}`, `coalesce("is_deleted", false) AS ${DEL}`);
  cols.push(...extra);
  const where = filters(plan, src);
  return `SELECT ${cols.join(',\n       ')}\nFROM ${q(from)}${where.length ? `\nWHERE ${where.join('\n  AND ')}` : ''}`;
}

function dedupSql(from: string, partition: string): string {
  return `SELECT * FROM ${from}\nQUALIFY row_number() OVER (PARTITION BY ${partition} ORDER BY ${LATEST_FIRST}) = 1`;
}

/** Markers hide every row of their record id at or before their event time; the markers go too. */
function liveSql(from: string, recordId: string): string {
  return (
    `SELECT * EXCLUDE (__pl_deleted_until) FROM (\n` +
    `  SELECT *, max(CASE WHEN ${DEL} THEN ${ET} END) OVER (PARTITION BY ${q(recordId)}) AS __pl_deleted_until\n` +
    `  FROM ${from}\n` +
    `)\nWHERE NOT ${DEL} AND (__pl_deleted_until IS NULL OR ${ET} > __pl_deleted_until)`
  );
}

function baseCtes(plan: DatasetPlan): Cte[] {
  const base = plan.base;
  const keys = plan.targets.map(
    (t, i) => `${keySql(q(t.baseKey), base.kinds[t.baseKey], t.group.kinds[t.targetKey])} AS ${baseKey(i + 1)}`,
  );
  const ctes: Cte[] = [{ name: 'base_src', sql: srcSql(plan, base, keys) }];
  let last = 'base_src';
  const push = (name: string, sql: string) => {
    ctes.push({ name, sql });
    last = name;
  };
  if (base.kind === 'group') {
    if (!plan.includeDuplicatedRecords) push('base_dedup', dedupSql(last, `${q(base.recordIdentifierName)}, ${ET}`));
    // With includeDeletedRecords the markers were already dropped in base_src.
    if (!plan.includeDeletedRecords) push('base_live', liveSql(last, base.recordIdentifierName));
  }
  const n = plan.numberOfRecentRecordsByRecordIdentifier;
  if (n !== undefined) {
    const order = base.kind === 'group' ? `${ET} DESC NULLS LAST, ${LATEST_FIRST}` : `${ET} DESC NULLS LAST`;
    push(
      'base_recent',
      `SELECT * FROM ${last}\nQUALIFY row_number() OVER (PARTITION BY ${q(base.recordIdentifierName)} ORDER BY ${order}) <= ${n}`,
    );
  }
  ctes.push({ name: 'base', sql: `SELECT * FROM ${last}` });
  return ctes;
}

function targetCtes(plan: DatasetPlan, t: TargetPlan, i: number): Cte[] {
  const g = t.group;
  const name = `fg${i}`;
  const rid = q(g.recordIdentifierName);
  let key = keySql(q(t.targetKey), g.kinds[t.targetKey], plan.base.kinds[t.baseKey]);
  if (plan.pointInTimeAccurateJoin && !plan.includeDeletedRecords && t.targetKey !== g.recordIdentifierName) {
    // A marker carries no feature values: give it the join key of its record's previous row so the
    // ASOF join on that key can still land on it.
    const et = sourceEventTime(g);
    key =
      `CASE WHEN coalesce("is_deleted", false) THEN last_value(${key} IGNORE NULLS) OVER (PARTITION BY ${rid} ` +
      `ORDER BY ${et}, "api_invocation_time", "write_time" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) ELSE ${key} END`;
  }
  const ctes: Cte[] = [{ name: `${name}_src`, sql: srcSql(plan, g, [`${key} AS ${KEY}`]) }];
  if (plan.pointInTimeAccurateJoin) {
    // Ties at one event time always collapse here, or ASOF would pick among them arbitrarily.
    ctes.push({
      name,
      sql: `SELECT * FROM ${name}_src\nWHERE ${KEY} IS NOT NULL AND ${ET} IS NOT NULL\nQUALIFY row_number() OVER (PARTITION BY ${KEY}, ${ET} ORDER BY ${LATEST_FIRST}) = 1`,
    });
    return ctes;
  }
  let last = `${name}_src`;
  if (!plan.includeDuplicatedRecords) {
    ctes.push({ name: `${name}_dedup`, sql: dedupSql(last, `${rid}, ${ET}`) });
    last = `${name}_dedup`;
  }
  if (!plan.includeDeletedRecords) {
    ctes.push({ name: `${name}_live`, sql: liveSql(last, g.recordIdentifierName) });
    last = `${name}_live`;
  }
  ctes.push({
    name,
    sql: `SELECT * FROM ${last}\nWHERE ${KEY} IS NOT NULL\nQUALIFY row_number() OVER (PARTITION BY ${KEY} ORDER BY ${ET} DESC NULLS LAST, ${LATEST_FIRST}) = 1`,
  });
  return ctes;
}

const PLAIN_JOIN: Record<TargetPlan['joinType'], string> = {
  INNER_JOIN: 'JOIN',
  LEFT_JOIN: 'LEFT JOIN',
  RIGHT_JOIN: 'RIGHT JOIN',
  FULL_JOIN: 'FULL JOIN',
  CROSS_JOIN: 'CROSS JOIN',
};

/** True when the ASOF match of target alias `a` is a live row inside the TTL window (NULL when unmatched). */
function hitSql(t: TargetPlan, a: string): string {
  const ttl = t.ttlMs === undefined ? '' : ` AND ${a}.${ET} >= b.${ET} - ${msToMicros(t.ttlMs)}`;
  return `NOT ${a}.${DEL}${ttl}`;
}

function finalSelect(plan: DatasetPlan): string {
  const cols = plan.baseOutputs.map((o) => `b.${q(o.column)} AS ${q(o.alias)}`);
  const joins: string[] = [];
  const where: string[] = [];
  plan.targets.forEach((t, idx) => {
    const i = idx + 1;
    const a = `t${i}`;
    if (plan.pointInTimeAccurateJoin) {
      const hit = hitSql(t, a);
      cols.push(...t.outputs.map((o) => `CASE WHEN ${hit} THEN ${a}.${q(o.column)} END AS ${q(o.alias)}`));
      joins.push(`ASOF LEFT JOIN fg${i} ${a} ON b.${baseKey(i)} = ${a}.${KEY} AND b.${ET} >= ${a}.${ET}`);
      if (t.joinType === 'INNER_JOIN') where.push(`(${hit})`);
    } else {
      cols.push(...t.outputs.map((o) => `${a}.${q(o.column)} AS ${q(o.alias)}`));
      const on = t.joinType === 'CROSS_JOIN' ? '' : ` ON b.${baseKey(i)} = ${a}.${KEY}`;
      joins.push(`${PLAIN_JOIN[t.joinType]} fg${i} ${a}${on}`);
    }
  });
  const order = [`b.${q(plan.base.recordIdentifierName)} NULLS LAST`, `b.${ET} NULLS LAST`];
  plan.targets.forEach((_, idx) => order.push(`t${idx + 1}.${KEY} NULLS LAST`));
  // Every output column breaks the remaining ties, so equal keys still come out in one fixed order.
  order.push(...plan.baseOutputs.map((o) => `b.${q(o.column)} NULLS LAST`));
  plan.targets.forEach((t, idx) => order.push(...t.outputs.map((o) => `t${idx + 1}.${q(o.column)} NULLS LAST`)));
  let sql = `SELECT ${cols.join(',\n       ')}\nFROM base b`;
  for (const j of joins) sql += `\n  ${j}`;
  if (where.length) sql += `\nWHERE ${where.join('\n  AND ')}`;
  sql += `\nORDER BY ${order.join(', ')}`;
  if (plan.numberOfRecordsFromQueryResults !== undefined) sql += `\nLIMIT ${plan.numberOfRecordsFromQueryResults}`;
  return sql;
}

function indent(sql: string): string {
  return sql
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
