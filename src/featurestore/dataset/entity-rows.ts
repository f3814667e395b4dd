/**
 * @module featurestore/dataset/entity-rows
 * Entity rows as a dataset base: validates the identifier columns and reads every event time to epoch
 * milliseconds up front (unix seconds, ISO-8601 strings or `timestamp` columns), stored in an extra
 * helper column so the SQL never depends on how the session loads each column type.
 */
import type { Column, ColumnTable } from '../../core/columns.js';
import { invalid, ValidationError } from '../../core/errors.js';
import { parseTimeInput } from '../../core/time.js';
import type { EntitySource, KeyKind } from './dataset-plan.js';

export interface EntityRows {
  table: ColumnTable;
  recordIdentifierName: string;
  eventTimeFeatureName: string;
  /**
   * How a string event-time column is read: `Fractional` = unix seconds, `String` (and unset) = ISO-8601.
   * Numeric columns are always unix seconds, `timestamp` columns are instants.
   */
  eventTimeType?: 'String' | 'Fractional';
  /** Name of the temporary table the rows are registered as (default: a unique generated name). */
  tableName?: string;
}

export const ENTITY_EVENT_TIME_MS = '__pl_event_time_ms';

export interface PreparedEntities {
  source: EntitySource;
  /** The rows plus the helper column, ready for `OfflineSession.registerTable`. */
  table: ColumnTable;
}

let counter = 0;

export function isEntityRows(base: unknown): base is EntityRows {
  return typeof base === 'object' && base !== null && 'table' in base;
}

export function prepareEntityRows(rows: EntityRows): PreparedEntities {
  const { table, recordIdentifierName, eventTimeFeatureName } = rows;
  if (!table || !Array.isArray(table.columns)) throw invalid('table', table, 'a column table of entity rows');
  const names = table.columns.map((c) => c.name);
  if (!names.includes(recordIdentifierName)) {
    throw invalid('recordIdentifierName', recordIdentifierName, `a column of the entity rows (${names.join(', ')})`);
  }
  const timeColumn = table.columns.find((c) => c.name === eventTimeFeatureName);
  if (!timeColumn) throw invalid('eventTimeFeatureName', eventTimeFeatureName, `a column of the entity rows (${names.join(', ')})`);
  if (rows.eventTimeType !== undefined && rows.eventTimeType !== 'String' && rows.eventTimeType !== 'Fractional') {
    throw invalid('eventTimeType', rows.eventTimeType, 'String or Fractional');
  }
  const ms = eventTimesMs(timeColumn, table.length, rows.eventTimeType);
  const kinds: Record<string, KeyKind> = {};
  for (const c of table.columns) kinds[c.name] = c.type === 'int' || c.type === 'float' ? 'number' : c.type === 'string' ? 'string' : 'other';
  const tableName = rows.tableName ?? `pl_entity_rows_${process.pid}_${++counter}`;
  return {
    source: {
      kind: 'entity',
      table: tableName,
      columns: names,
      kinds,
      recordIdentifierName,
      eventTimeFeatureName,
      eventTimeMsColumn: ENTITY_EVENT_TIME_MS,
    },
    table: {
      length: table.length,
      columns: [...table.columns.filter((c) => c.name !== ENTITY_EVENT_TIME_MS), { name: ENTITY_EVENT_TIME_MS, type: 'float', values: ms }],
    },
  };
}

function eventTimesMs(column: Column, length: number, type: 'String' | 'Fractional' | undefined): Float64Array {
  const out = new Float64Array(length);
  const field = (row: number) => `${column.name}[${row}]`;
  for (let i = 0; i < length; i++) {
    let ms: number;
    switch (column.type) {
      case 'timestamp':
        ms = column.values[i]!;
        break;
      case 'int':
      case 'float':
        ms = column.values[i]! * 1000;
        break;
      case 'string': {
        const v = column.values[i];
        if (v === null || v === undefined || v.trim() === '') ms = NaN;
        else if (type === 'Fractional') {
          ms = Number(v) * 1000;
          if (!Number.isFinite(ms)) throw invalid(field(i), v, 'unix seconds (eventTimeType Fractional)');
        } else ms = parseTimeInput(v, field(i));
        break;
      }
      default:
        throw invalid('eventTimeFeatureName', column.name, 'a column of unix seconds, ISO-8601 strings or timestamps (got a bool column)');
    }
    if (!Number.isFinite(ms)) throw new ValidationError([{ path: field(i), message: 'every entity row needs an event time' }]);
    out[i] = ms;
  }
  return out;
}
