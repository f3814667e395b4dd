/**
 * @module monitor/quality/ground-truth
 * Ground truth for model quality, in SageMaker's layout: `{GroundTruthS3Uri}/yyyy/MM/dd/HH/<uuid>.jsonl`, one
 * `{"groundTruthData":{"data":"1","encoding":"CSV"},"eventMetadata":{"eventId":"<inferenceId or eventId>"},"eventVersion":"0"}`
 * per line, the hour being when the labels were collected. Merged with captured predictions by the capture's
 * `inferenceId` when present, else its `eventId`.
 */
import { randomUUID } from 'node:crypto';
import { invalid } from '../../core/errors.js';
import type { CaptureSource } from '../capture-window/index.js';
import type { OutputLocation } from '../../storage/index.js';

export interface GroundTruthRecord {
  /** The inference id (or capture event id) the label belongs to. */
  eventId: string;
  /** The label, as text (CSV encoding). */
  label: string | number;
}

/** Writes labels as one JSON Lines file in the hour folder of `collectedAt`; returns its URI. */
export async function writeGroundTruth(location: OutputLocation, records: GroundTruthRecord[], collectedAt: number): Promise<string> {
  if (!Array.isArray(records) || records.length === 0) throw invalid('records', records, 'a non-empty list of {eventId, label}');
  const lines = records.map((r, i) => {
    if (!r || typeof r.eventId !== 'string' || r.eventId === '') throw invalid(`records[${i}].eventId`, r?.eventId, 'the inference id (or capture event id) of a prediction');
    if (r.label === undefined || r.label === null || String(r.label).trim() === '') throw invalid(`records[${i}].label`, r.label, 'a label');
    return JSON.stringify({ groundTruthData: { data: String(r.label), encoding: 'CSV' }, eventMetadata: { eventId: r.eventId }, eventVersion: '0' });
  });
  const d = new Date(collectedAt);
  const p = (n: number) => String(n).padStart(2, '0');
  const name = `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(d.getUTCHours())}/${p(d.getUTCMinutes())}-${p(d.getUTCSeconds())}-${String(d.getUTCMilliseconds()).padStart(3, '0')}-${randomUUID()}.jsonl`;
  return location.write(name, lines.join('\n') + '\n');
}

const FOLDER = /^(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/[^/]+\.jsonl$/;

/**
 * Reads every label collected from `since` (epoch ms, by hour folder) on, up to `until` when given:
 * eventId -> label. Unreadable lines are counted. With `until` (and at most 31 days between), only those hour
 * folders are listed, not the whole location.
 */
export async function readGroundTruth(source: CaptureSource, since = 0, until?: number): Promise<{ labels: Map<string, string>; unreadable: number }> {
  const labels = new Map<string, string>();
  let unreadable = 0;
  for (const key of await groundTruthKeys(source, since, until)) {
    const m = FOLDER.exec(key);
    if (!m) continue;
    const hour = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]));
    if (hour + 3_600_000 <= since) continue;
    const text = await source.read(key);
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const o = JSON.parse(line) as { groundTruthData?: { data?: unknown }; eventMetadata?: { eventId?: unknown } };
        const id = o.eventMetadata?.eventId;
        const data = o.groundTruthData?.data;
        if (typeof id !== 'string' || (typeof data !== 'string' && typeof data !== 'number')) throw new Error('no eventId or data');
        labels.set(id, String(data).trim());
      } catch {
        unreadable++;
      }
    }
  }
  return { labels, unreadable };
}

const HOUR = 3_600_000;

async function groundTruthKeys(source: CaptureSource, since: number, until: number | undefined): Promise<string[]> {
  if (until === undefined || !(until >= since) || until - since > 31 * 24 * HOUR) return source.list('');
  const p = (n: number) => String(n).padStart(2, '0');
  const keys: string[] = [];
  for (let hour = Math.floor(since / HOUR) * HOUR; hour < until; hour += HOUR) {
    const d = new Date(hour);
    keys.push(...(await source.list(`${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(d.getUTCHours())}/`)));
  }
  return keys;
}
