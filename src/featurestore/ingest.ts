/**
 * @module featurestore/ingest
 * Bulk ingest of a table or a file into a feature group. Every row is validated against the definitions;
 * rejected rows are reported with their number and reason while every valid row lands. Valid rows go to
 * the offline store first (one Parquet file per event-time hour, durable before anything is acknowledged),
 * then to the online store in batches, where the event-time rule keeps the latest version of each record.
 * Re-running the same ingest leaves the online store unchanged.
 */
import { sliceTable, takeRows, type ColumnTable } from '../core/columns.js';
import { ValidationError, invalid } from '../core/errors.js';
import { noProgress, type Progress } from '../core/progress.js';
import { ttlToMs } from '../core/time.js';
import { readTable } from '../table/index.js';
import { offlineGroupOf, type FeatureStoreContext } from './context.js';
import { loadFeatureGroup } from './control-plane.js';
import type { OnlineWrite, TargetStore } from './model.js';
import { encodeTable, type EncodedTable } from './record-encoding.js';
import { targetStoresOf } from './records.js';

export interface IngestOptions {
  /** Concurrent online-store batches in flight (helps networked stores such as Redis). Default 1. */
  workers?: number;
  targetStores?: TargetStore[];
  progress?: Progress;
  /** Rows per online-store batch. Default 10,000. */
  batchRows?: number;
  /** How many rejected rows to list in the result (all are counted). Default 1,000. */
  maxRejectionsListed?: number;
}

export interface IngestRejection {
  /** 1-based row number in the input (data rows; a CSV header is not counted). */
  row: number;
  reason: string;
}

export interface IngestResult {
  featureGroupName: string;
  rows: number;
  written: number;
  rejected: number;
  rejections: IngestRejection[];
  online: { applied: number; stale: number } | null;
  offline: { files: string[] } | null;
  seconds: number;
}

const ENCODE_CHUNK = 65_536;

export async function ingest(ctx: FeatureStoreContext, groupName: string, source: ColumnTable | string, options: IngestOptions = {}): Promise<IngestResult> {
  const started = performance.now();
  const group = await loadFeatureGroup(ctx, groupName);
  const d = group.description;
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw invalid('workers', options.workers, 'an integer from 1 to 64');
  const batchRows = options.batchRows ?? 10_000;
  const progress = options.progress ?? noProgress;
  const table = typeof source === 'string' ? await readTable(source) : source;

  const known = new Set(d.FeatureDefinitions.map((f) => f.FeatureName));
  const unknown = table.columns.map((c) => c.name).filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new ValidationError(
      unknown.map((n) => ({ path: `columns.${n}`, message: `column "${n}" is not a feature of "${d.FeatureGroupName}"; add it with update --add-feature or drop it` })),
    );
  }
  for (const required of [d.RecordIdentifierFeatureName, d.EventTimeFeatureName]) {
    if (!table.columns.some((c) => c.name === required)) {
      throw new ValidationError([{ path: `columns.${required}`, message: `the input has no "${required}" column (${required === d.RecordIdentifierFeatureName ? 'record identifier' : 'event time'})` }]);
    }
  }
  const stores = targetStoresOf(group, options.targetStores);
  const wantOnline = stores.has('OnlineStore');
  const wantOffline = stores.has('OfflineStore');

  progress.start(table.length * (wantOnline ? 2 : 1), `ingest ${d.FeatureGroupName}`);
  const maxListed = options.maxRejectionsListed ?? 1000;
  const rejections: IngestRejection[] = [];
  let rejected = 0;
  const chunks: { encoded: EncodedTable; validRows: Int32Array }[] = [];
  for (let start = 0; start < table.length; start += ENCODE_CHUNK) {
    const end = Math.min(table.length, start + ENCODE_CHUNK);
    const encoded = encodeTable(sliceTable(table, start, end), d.FeatureDefinitions, d.RecordIdentifierFeatureName, d.EventTimeFeatureName);
    const validRows = new Int32Array(encoded.length - encoded.rejected.size);
    let k = 0;
    for (let i = 0; i < encoded.length; i++) {
      const reason = encoded.rejected.get(i);
      if (reason === undefined) validRows[k++] = i;
      else {
        rejected++;
        if (rejections.length < maxListed) rejections.push({ row: start + i + 1, reason });
      }
    }
    chunks.push({ encoded, validRows });
    progress.tick(end - start);
  }
  const written = table.length - rejected;
  const now = ctx.clock.now();

  // The Parquet write runs on DuckDB's threads while the online batches are written here; the ingest is
  // acknowledged only when both are done, and a re-run after a crash is idempotent online.
  const offlineGroup = offlineGroupOf(group);
  const offlineWrite: Promise<IngestResult['offline']> =
    wantOffline && offlineGroup && written > 0
      ? (async () => {
          const typed = mergeValidColumns(chunks);
          return { files: await ctx.offline.writeColumns(offlineGroup, typed.table, { eventTimeMs: typed.eventTimeMs, writeTimeMs: now, apiInvocationTimeMs: now }) };
        })()
      : Promise.resolve(wantOffline ? { files: [] } : null);
  // Keep a failed offline write from surfacing as an unhandled rejection while the online writes run.
  offlineWrite.catch(() => undefined);

  let online: IngestResult['online'] = null;
  if (wantOnline) {
    const ttlMs = d.OnlineStoreConfig?.TtlDuration ? ttlToMs(d.OnlineStoreConfig.TtlDuration) : null;
    let applied = 0;
    // Batches are built when a worker takes them, so only `workers` batches of row objects exist at once.
    const slices: { encoded: EncodedTable; rows: Int32Array }[] = [];
    for (const { encoded, validRows } of chunks) {
      for (let b = 0; b < validRows.length; b += batchRows) slices.push({ encoded, rows: validRows.subarray(b, Math.min(validRows.length, b + batchRows)) });
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < slices.length) {
        const slice = slices[next++]!;
        const batch = onlineWrites(slice.encoded, slice.rows, ttlMs);
        const flags = await ctx.online.writeBatch(d.FeatureGroupName, batch, now);
        for (let i = 0; i < flags.length; i++) applied += flags[i]!;
        progress.tick(batch.length);
      }
    };
    // Batches may run concurrently: the event-time rule makes the outcome order-independent except for
    // equal event times of one record id in one input, where the later row wins only with one worker.
    await Promise.all(Array.from({ length: Math.min(workers, Math.max(1, slices.length)) }, worker));
    online = { applied, stale: written - applied };
  }
  const offline = await offlineWrite;
  progress.done();
  return { featureGroupName: d.FeatureGroupName, rows: table.length, written, rejected, rejections, online, offline, seconds: (performance.now() - started) / 1000 };
}

function onlineWrites(encoded: EncodedTable, rows: Int32Array, ttlMs: number | null): OnlineWrite[] {
  const cols = encoded.columns;
  const names = cols.map((c) => c.definition.FeatureName);
  const texts = cols.map((c) => c.text);
  const out: OnlineWrite[] = new Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    const values: Record<string, string> = {};
    for (let c = 0; c < texts.length; c++) {
      const v = texts[c]![i];
      if (v !== null && v !== undefined) values[names[c]!] = v;
    }
    const eventTimeMs = encoded.eventTimeMs[i]!;
    out[k] = { recordId: encoded.recordIds[i]!, eventTimeMs, values, expiresAtMs: ttlMs === null ? null : eventTimeMs + ttlMs };
  }
  return out;
}

function mergeValidColumns(chunks: { encoded: EncodedTable; validRows: Int32Array }[]): { table: ColumnTable; eventTimeMs: Float64Array } {
  const parts = chunks.map(({ encoded, validRows }) => ({
    table: takeRows({ length: encoded.length, columns: encoded.columns.map((c) => c.typed) }, validRows),
    eventTimeMs: gather(encoded.eventTimeMs, validRows),
  }));
  if (parts.length === 1) return parts[0]!;
  const total = parts.reduce((s, p) => s + p.table.length, 0);
  const eventTimeMs = new Float64Array(total);
  let offset = 0;
  for (const p of parts) {
    eventTimeMs.set(p.eventTimeMs, offset);
    offset += p.table.length;
  }
  const columns = parts[0]!.table.columns.map((first, ci) => {
    // A column is 'string' in any chunk when its integers went beyond 2^53; then it is 'string' for all.
    const asString = parts.some((p) => p.table.columns[ci]!.type === 'string');
    if (asString) {
      const values: (string | null)[] = [];
      for (const p of parts) {
        const c = p.table.columns[ci]!;
        if (c.type === 'string') for (const v of c.values) values.push(v);
        else for (let i = 0; i < p.table.length; i++) values.push(Number.isNaN(c.values[i] as number) ? null : String(c.values[i]));
      }
      return { name: first.name, type: 'string' as const, values };
    }
    const values = new Float64Array(total);
    let at = 0;
    for (const p of parts) {
      values.set(p.table.columns[ci]!.values as Float64Array, at);
      at += p.table.length;
    }
    return { name: first.name, type: first.type as 'int' | 'float', values };
  });
  return { table: { length: total, columns }, eventTimeMs };
}

function gather(values: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}
