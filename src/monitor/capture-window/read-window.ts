/**
 * @module monitor/capture-window/read-window
 * Reads the capture files of one endpoint for an analysis window `[start, end)` into a column table, as the
 * Model Monitor container does: files are picked by their hour folder (`ENDPOINT/VARIANT/yyyy/mm/dd/hh/`,
 * with an hour of slack, since capture may land late) and records filtered by `eventMetadata.inferenceTime`.
 *
 * Column mapping:
 * - `position` (SageMaker's rule): each row is the output fields first (or last with `END`), then the input
 *   fields, matched by position onto the baseline's feature names (`_c<i>` beyond them).
 * - `model`: the input fields are named by the endpoint model's own feature names, so a baseline's label
 *   column is never compared with the model's prediction; baseline features the model does not read are
 *   reported as not captured. `auto` (default) uses `model` when the model declares feature names that are
 *   all baseline features, else `position`.
 * Flat JSON objects are always read by key. Cells stay raw text (null = missing): the statistics decide
 * each value's type as Deequ does. Unreadable lines are counted with samples and skipped.
 */
import { hourFolder } from '../../capture/index.js';
import type { Column, ColumnTable } from '../../core/columns.js';
import { CaptureLineError, decodeCaptureLine, type DecodedRow } from './decode.js';
import type { CaptureSource } from './source.js';

export type CaptureMapping = 'auto' | 'position' | 'model';

export interface CaptureWindowOptions {
  source: CaptureSource;
  endpoint: string;
  /** Only this variant (default: every variant of the endpoint). */
  variant?: string;
  /** Window start (inclusive) and end (exclusive), epoch ms. */
  start: number;
  end: number;
  mapping?: CaptureMapping;
  /** The baseline's feature names, in order (for positional matching). */
  baselineNames?: string[];
  /** The endpoint's model, when known. */
  model?: { name: string; featureNames: string[] };
  /** Where the output (prediction) fields are in a positional row; SageMaker's default is START. */
  outputColumnsPosition?: 'START' | 'END';
  /** How many unreadable lines to keep as samples (default 20). */
  maxSamples?: number;
}

export interface UnreadableLine {
  file: string;
  line: number;
  reason: string;
}

export interface CaptureWindow {
  /** One string column per feature (raw text, null = missing). */
  table: ColumnTable;
  /** Capture records (lines) inside the window. */
  records: number;
  files: string[];
  unreadable: { count: number; samples: UnreadableLine[] };
  mapping: { kind: 'position' | 'model'; description: string; notCaptured: string[] };
  notes: string[];
  /** Per table row: the record's event id, inference id, inference time (NaN if unknown) and first output value. */
  eventIds: (string | null)[];
  inferenceIds: (string | null)[];
  inferenceTimes: Float64Array;
  predictions: (string | null)[];
}

const HOUR = 3_600_000;
const FOLDER = /^([^/]+)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/[^/]+\.jsonl$/;

export async function readCaptureWindow(options: CaptureWindowOptions): Promise<CaptureWindow> {
  const { source, start, end } = options;
  const maxSamples = options.maxSamples ?? 20;
  const files = await windowFiles(options);

  const useModel = chooseModelMapping(options);
  const outputsFirst = (options.outputColumnsPosition ?? 'START') === 'START';
  const builder = new TableBuilder(useModel ? options.model!.featureNames : (options.baselineNames ?? []));
  const unreadable = { count: 0, samples: [] as UnreadableLine[] };
  const eventIds: (string | null)[] = [];
  const inferenceIds: (string | null)[] = [];
  const times: number[] = [];
  const predictions: (string | null)[] = [];
  let records = 0;
  let mixed = 0;
  let unknownTime = 0;
  let shapeMismatch = 0;
  const usedFiles: string[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = await source.read(f.key);
    } catch (e) {
      unreadable.count++;
      if (unreadable.samples.length < maxSamples) unreadable.samples.push({ file: f.key, line: 0, reason: `file unreadable: ${(e as Error).message}` });
      continue;
    }
    let used = false;
    let lineNo = 0;
    let pos = 0;
    while (pos < text.length) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = text.length;
      const line = text.slice(pos, nl).trim();
      pos = nl + 1;
      lineNo++;
      if (line === '') continue;
      let rec;
      try {
        rec = decodeCaptureLine(line);
      } catch (e) {
        unreadable.count++;
        if (unreadable.samples.length < maxSamples) {
          unreadable.samples.push({ file: f.key, line: lineNo, reason: e instanceof CaptureLineError ? e.message : String(e) });
        }
        continue;
      }
      const t = rec.inferenceTime;
      if (t === undefined) {
        // No readable inferenceTime (e.g. a template placeholder): the hour folder decides.
        if (f.hour + HOUR <= start || f.hour >= end) continue;
        unknownTime++;
      } else if (t < start || t >= end) continue;
      records++;
      used = true;
      if (rec.inputEncoding && rec.outputEncoding && rec.inputEncoding !== rec.outputEncoding) mixed++;
      for (const row of rec.rows) {
        if (useModel) {
          if (!row.named && row.inputs.length !== options.model!.featureNames.length) shapeMismatch++;
          builder.add(row.named ?? row.inputs);
        } else if (row.named) builder.add(row.named);
        else builder.add(outputsFirst ? [...row.outputs, ...row.inputs] : [...row.inputs, ...row.outputs]);
        eventIds.push(rec.eventId ?? null);
        inferenceIds.push(rec.inferenceId ?? null);
        times.push(t ?? NaN);
        predictions.push(firstOutput(row));
      }
    }
    if (used) usedFiles.push(f.key);
  }

  const notes: string[] = [];
  if (unreadable.count > 0) notes.push(`${unreadable.count} capture line(s) could not be read and were skipped (first: ${unreadable.samples[0]?.file}:${unreadable.samples[0]?.line}: ${unreadable.samples[0]?.reason})`);
  if (mixed > 0) {
    notes.push(
      `${mixed} record(s) had different input and output encodings; SageMaker's container fails such a job ("Encoding mismatch"), plumbline decoded each part on its own`,
    );
  }
  if (unknownTime > 0) notes.push(`${unknownTime} record(s) had no readable inferenceTime and were placed by their hour folder`);
  if (shapeMismatch > 0) notes.push(`${shapeMismatch} row(s) did not have as many input fields as the model has features`);
  const baseline = options.baselineNames ?? [];
  const notCaptured = useModel ? baseline.filter((n) => !options.model!.featureNames.includes(n)) : [];
  const description = useModel
    ? `by name: input fields matched to model ${options.model!.name}'s feature names (${options.model!.featureNames.join(', ')})` +
      (notCaptured.length ? `; baseline feature(s) ${notCaptured.join(', ')} are not model inputs and were not checked` : '')
    : `by position (SageMaker's rule): output column(s) ${outputsFirst ? 'first' : 'last'}, then the inputs, matched to the baseline's feature names in order`;
  return {
    table: builder.build(),
    records,
    files: usedFiles,
    unreadable,
    mapping: { kind: useModel ? 'model' : 'position', description, notCaptured },
    notes,
    eventIds,
    inferenceIds,
    inferenceTimes: Float64Array.from(times),
    predictions,
  };
}

/**
 * The capture files of the window's hour folders: one listing per variant and hour in
 * `(start - 2h, end + 1h)` (an hour of slack each side, capture may land late), never the whole destination.
 * Variants are the given one, else the folders under the endpoint's; a source that cannot list one level
 * falls back to listing the endpoint's folder once.
 */
async function windowFiles(options: CaptureWindowOptions): Promise<{ key: string; hour: number }[]> {
  const { source, endpoint, start, end } = options;
  const first = Math.floor((start - HOUR) / HOUR) * HOUR;
  const inWindow = (hour: number) => hour < end + HOUR && hour + HOUR > start - HOUR;
  const variants = options.variant ? [options.variant] : await source.folders?.(`${endpoint}/`);
  const files: { key: string; hour: number }[] = [];
  if (!variants) {
    for (const key of await source.list(`${endpoint}/`)) {
      const m = FOLDER.exec(key.slice(endpoint.length + 1));
      if (!m) continue;
      const hour = Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4]), Number(m[5]));
      if (inWindow(hour)) files.push({ key, hour });
    }
    return files;
  }
  for (const variant of variants) {
    for (let hour = first; hour < end + HOUR; hour += HOUR) {
      for (const key of await source.list(`${endpoint}/${variant}/${hourFolder(hour)}/`)) {
        if (FOLDER.test(key.slice(endpoint.length + 1))) files.push({ key, hour });
      }
    }
  }
  // Variants sorted, hours ascending: the same order (by key) as one listing of the endpoint folder.
  return files;
}

function chooseModelMapping(o: CaptureWindowOptions): boolean {
  const mapping = o.mapping ?? 'auto';
  if (mapping === 'position') return false;
  const names = o.model?.featureNames ?? [];
  if (mapping === 'model') return names.length > 0;
  if (names.length === 0) return false;
  return !o.baselineNames || names.every((n) => o.baselineNames!.includes(n));
}

function firstOutput(row: DecodedRow): string | null {
  return row.outputs.length > 0 ? row.outputs[0]! : null;
}

/** Collects rows into string columns; a column first seen late is back-filled with nulls. */
class TableBuilder {
  private readonly columns = new Map<string, (string | null)[]>();
  private readonly order: string[] = [];
  private rows = 0;

  constructor(private readonly names: string[]) {}

  add(values: (string | null)[] | Record<string, string | null>): void {
    if (Array.isArray(values)) {
      for (let i = 0; i < values.length; i++) this.column(this.names[i] ?? `_c${i}`)[this.rows] = values[i] ?? null;
    } else {
      for (const [k, v] of Object.entries(values)) this.column(k)[this.rows] = v;
    }
    this.rows++;
  }

  private column(name: string): (string | null)[] {
    let c = this.columns.get(name);
    if (!c) {
      c = new Array(this.rows).fill(null);
      this.columns.set(name, c);
      this.order.push(name);
    }
    return c;
  }

  build(): ColumnTable {
    const columns: Column[] = this.order.map((name) => {
      const values = this.columns.get(name)!;
      for (let i = 0; i < this.rows; i++) if (values[i] === undefined) values[i] = null;
      values.length = this.rows;
      return { name, type: 'string', values };
    });
    return { length: this.rows, columns };
  }
}
