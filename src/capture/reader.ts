/**
 * @module capture/reader
 * Reads capture files back (`plumbline capture list|show`): the files under `DEST/ENDPOINT/[VARIANT/][yyyy/MM/dd/HH]`
 * and their records, parsed leniently as Model Monitor tooling does (key order free, only `captureData` required).
 */
import { invalid, ValidationError } from '../core/errors.js';
import type { CaptureSink } from './sink.js';

export interface CaptureFileInfo {
  uri: string;
  key: string;
  variant: string;
  /** `yyyy/MM/dd/HH`. */
  hour: string;
  size: number;
}

export interface CaptureData {
  observedContentType: string;
  mode: 'INPUT' | 'OUTPUT';
  data: string;
  encoding: 'CSV' | 'JSON' | 'BASE64';
}

export interface CaptureRecord {
  captureData: { endpointInput?: CaptureData; endpointOutput?: CaptureData };
  eventMetadata?: { eventId?: string; inferenceId?: string; inferenceTime?: string; customAttributes?: string[] };
  eventVersion?: string;
}

export interface CaptureQuery {
  variant?: string;
  /** An hour as `yyyy/MM/dd/HH`, `yyyy-MM-ddTHH` or any ISO time inside it; a prefix such as `2026/11/26` works too. */
  hour?: string;
}

/** `2026-11-26T09`, `2026-11-26T09:14:03Z` or `2026/11/26/09` -> `2026/11/26/09`; shorter prefixes are kept. */
export function normalizeHour(hour: string): string {
  const m = /^(\d{4})[-/](\d{2})(?:[-/](\d{2})(?:[T/ ](\d{2}))?)?/.exec(hour.trim());
  if (!m) throw invalid('hour', hour, 'an hour such as 2026-11-26T09 or 2026/11/26/09');
  return [m[1], m[2], m[3], m[4]].filter((p) => p !== undefined).join('/');
}

export async function listCaptureFiles(sink: CaptureSink, endpointName: string, query: CaptureQuery = {}): Promise<CaptureFileInfo[]> {
  let prefix = `${sink.prefix}${endpointName}/`;
  if (query.variant) prefix += `${query.variant}/`;
  const hour = query.hour ? normalizeHour(query.hour) : undefined;
  if (query.variant && hour) prefix += hour;
  const out: CaptureFileInfo[] = [];
  for (const o of await sink.store.list(prefix)) {
    if (!o.key.endsWith('.jsonl')) continue;
    const rest = o.key.slice(sink.prefix.length + endpointName.length + 1).split('/');
    if (rest.length !== 6) continue;
    const fileHour = rest.slice(1, 5).join('/');
    if (hour && !fileHour.startsWith(hour)) continue;
    out.push({ uri: sink.store.uriOf(o.key), key: o.key, variant: rest[0]!, hour: fileHour, size: o.size });
  }
  return out.sort((a, b) => (a.hour === b.hour ? a.key.localeCompare(b.key) : a.hour.localeCompare(b.hour)));
}

/** Parses one capture file's text; a bad line is a validation error naming the file and the line. */
export function parseCaptureLines(text: string, source: string): CaptureRecord[] {
  const out: CaptureRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      throw new ValidationError([{ path: `${source}:${i + 1}`, message: `is not JSON (${(e as Error).message})` }]);
    }
    if (parsed === null || typeof parsed !== 'object' || typeof (parsed as CaptureRecord).captureData !== 'object') {
      throw new ValidationError([{ path: `${source}:${i + 1}`, message: 'has no captureData object' }]);
    }
    out.push(parsed as CaptureRecord);
  }
  return out;
}

export async function readCaptureFile(sink: CaptureSink, file: CaptureFileInfo): Promise<CaptureRecord[]> {
  return parseCaptureLines(Buffer.from(await sink.store.get(file.key)).toString('utf8'), file.uri);
}

/** The text of a capture's data field (base64 decoded). */
export function captureText(d: CaptureData | undefined): string | undefined {
  if (!d) return undefined;
  return d.encoding === 'BASE64' ? Buffer.from(d.data, 'base64').toString('utf8') : d.data;
}
