/**
 * @module monitor/capture-window/decode
 * One capture line (SageMaker's JSON Lines record) -> its metadata and the rows it carries: CSV bodies
 * split on commas (a body may hold several lines = several rows), flat JSON objects by key, JSON arrays
 * and `{"instances"|"features"|"predictions": [...]}` by position, BASE64 decoded by its content type.
 */

export interface DecodedRow {
  /** Positional input values (raw text; null = missing). */
  inputs: (string | null)[];
  /** Input values by name, when the body was a flat JSON object. */
  named?: Record<string, string | null>;
  /** Positional output (prediction) values. */
  outputs: (string | null)[];
}

export interface DecodedRecord {
  eventId?: string;
  inferenceId?: string;
  /** Epoch ms, undefined when absent or unreadable. */
  inferenceTime?: number;
  inputEncoding?: string;
  outputEncoding?: string;
  rows: DecodedRow[];
}

export class CaptureLineError extends Error {}

export function decodeCaptureLine(line: string): DecodedRecord {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch (e) {
    throw new CaptureLineError(`not JSON (${(e as Error).message})`);
  }
  if (!isObject(obj)) throw new CaptureLineError('not a JSON object');
  const capture = obj.captureData;
  if (!isObject(capture)) throw new CaptureLineError('no captureData object');
  const meta = isObject(obj.eventMetadata) ? obj.eventMetadata : {};
  const input = isObject(capture.endpointInput) ? capture.endpointInput : undefined;
  const output = isObject(capture.endpointOutput) ? capture.endpointOutput : undefined;
  if (!input && !output) throw new CaptureLineError('captureData has neither endpointInput nor endpointOutput');
  const inParts = input ? decodeBody(input, 'endpointInput') : [];
  const outParts = output ? decodeBody(output, 'endpointOutput') : [];
  const rows: DecodedRow[] = [];
  const n = Math.max(inParts.length, 1);
  let outs = outParts;
  // One output line with as many values as input rows: one value per row (a batch of CSV rows).
  if (inParts.length > 1 && outParts.length === 1 && outParts[0]!.values.length === inParts.length) {
    outs = outParts[0]!.values.map((v) => ({ values: [v] }));
  }
  if (inParts.length > 1 && outs.length > 0 && outs.length !== inParts.length) {
    throw new CaptureLineError(`${inParts.length} input rows but ${outs.length} output rows`);
  }
  for (let i = 0; i < n; i++) {
    const part = inParts[i];
    const row: DecodedRow = { inputs: part?.values ?? [], outputs: outs[i]?.values ?? outs[0]?.values ?? [] };
    if (part?.named) row.named = part.named;
    rows.push(row);
  }
  const rec: DecodedRecord = { rows };
  if (typeof meta.eventId === 'string') rec.eventId = meta.eventId;
  if (typeof meta.inferenceId === 'string' || typeof meta.inferenceId === 'number') rec.inferenceId = String(meta.inferenceId);
  if (typeof meta.inferenceTime === 'string') {
    const t = Date.parse(meta.inferenceTime);
    if (Number.isFinite(t)) rec.inferenceTime = t;
  }
  if (input && typeof input.encoding === 'string') rec.inputEncoding = input.encoding.toUpperCase();
  if (output && typeof output.encoding === 'string') rec.outputEncoding = output.encoding.toUpperCase();
  return rec;
}

interface Part {
  values: (string | null)[];
  named?: Record<string, string | null>;
}

function decodeBody(body: Record<string, unknown>, where: string): Part[] {
  const data = body.data;
  if (data === undefined || data === null) return [];
  if (typeof data !== 'string') throw new CaptureLineError(`${where}.data is not a string`);
  let encoding = typeof body.encoding === 'string' ? body.encoding.toUpperCase() : 'CSV';
  const contentType = typeof body.observedContentType === 'string' ? body.observedContentType.toLowerCase() : '';
  let text = data;
  if (encoding === 'BASE64') {
    text = Buffer.from(data, 'base64').toString('utf8');
    if (contentType.includes('csv')) encoding = 'CSV';
    else if (contentType.includes('json')) encoding = 'JSON';
    else throw new CaptureLineError(`${where} is BASE64 with content type ${JSON.stringify(contentType)}: not analysable without a record preprocessor`);
  }
  if (encoding === 'CSV') return parseCsvBody(text);
  if (encoding === 'JSON') return parseJsonBody(text, where);
  throw new CaptureLineError(`${where}.encoding ${JSON.stringify(body.encoding)} is not CSV, JSON or BASE64`);
}

function parseCsvBody(text: string): Part[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.map((l) => ({ values: splitCsvLine(l) }));
}

/** Splits one CSV line on commas, honouring double quotes; empty fields are null (missing). */
export function splitCsvLine(line: string): (string | null)[] {
  if (!line.includes('"')) return line.split(',').map((v) => (v.trim() === '' ? null : v.trim()));
  const out: (string | null)[] = [];
  let cur = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === ',') {
      out.push(cur === '' && !wasQuoted ? null : wasQuoted ? cur : cur.trim());
      cur = '';
      wasQuoted = false;
    } else cur += ch;
  }
  if (quoted) throw new CaptureLineError('unterminated quote in CSV data');
  out.push(cur === '' && !wasQuoted ? null : wasQuoted ? cur : cur.trim());
  return out;
}

function parseJsonBody(text: string, where: string): Part[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CaptureLineError(`${where}.data is not valid JSON (${(e as Error).message})`);
  }
  if (isObject(v)) {
    const instances = v.instances;
    // TensorFlow Serving's `{"instances": [1.0, 2.0]}`: a list of instances, one row each.
    if (Array.isArray(instances) && Object.keys(v).length === 1 && instances.length > 0 && instances.every((x) => !isObject(x) && !Array.isArray(x))) {
      return instances.map((x) => ({ values: [scalar(x)] }));
    }
    for (const key of ['instances', 'features', 'predictions', 'scores', 'data']) {
      const inner = v[key];
      if (Array.isArray(inner) && Object.keys(v).length === 1) return arrayRows(inner, where);
    }
    const named: Record<string, string | null> = {};
    for (const [k, x] of Object.entries(v)) {
      if (isObject(x) || Array.isArray(x)) throw new CaptureLineError(`${where}.data is nested JSON (key ${JSON.stringify(k)}): only flat objects are analysable`);
      named[k] = scalar(x);
    }
    return [{ values: Object.values(named), named }];
  }
  if (Array.isArray(v)) return arrayRows(v, where);
  return [{ values: [scalar(v)] }];
}

function arrayRows(arr: unknown[], where: string): Part[] {
  if (arr.length > 0 && arr.every((x) => Array.isArray(x))) return arr.map((r) => ({ values: (r as unknown[]).map((x) => scalarOrThrow(x, where)) }));
  if (arr.length > 0 && arr.every((x) => isObject(x))) {
    return arr.map((o) => {
      const named: Record<string, string | null> = {};
      for (const [k, x] of Object.entries(o as Record<string, unknown>)) named[k] = scalarOrThrow(x, where);
      return { values: Object.values(named), named };
    });
  }
  return [{ values: arr.map((x) => scalarOrThrow(x, where)) }];
}

function scalarOrThrow(x: unknown, where: string): string | null {
  if (isObject(x) || Array.isArray(x)) throw new CaptureLineError(`${where}.data is nested JSON: only flat values are analysable`);
  return scalar(x);
}

function scalar(x: unknown): string | null {
  if (x === null || x === undefined) return null;
  return typeof x === 'string' ? x : String(x);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
