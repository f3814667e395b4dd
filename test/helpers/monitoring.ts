/**
 * Data capture for monitoring tests: one CSV request/response record, in SageMaker's capture JSON Lines, appended
 * to the hourly file of endpoint `ep`, variant `AllTraffic` under a capture destination folder
 * (`{dir}/ep/AllTraffic/yyyy/MM/dd/HH/{mm}-{ss}-000-{tag}.jsonl`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hourFolder } from '../../src/capture/index.js';

export interface CapturedRecord {
  /** The CSV request body (the model's inputs). */
  input: string;
  /** The CSV response body (the model's output). */
  output: string;
  /** `eventMetadata.eventId`; default `ev-{at}`. */
  eventId?: string;
  /** `eventMetadata.inferenceId` (the key ground truth is merged on); absent by default. */
  inferenceId?: string;
  /** The response's `observedContentType`; default `text/csv`. */
  outputContentType?: string;
  /** The file name's last part; default `x`. */
  fileTag?: string;
  /** Put the record's seconds in the file name (`{mm}-{ss}-000-…`) instead of `00` (`{mm}-00-000-…`). */
  secondsInFileName?: boolean;
}

/** Appends one captured record at time `at` (ms since the epoch) under the capture destination `dir`. */
export function writeCaptureRecord(dir: string, at: number, record: CapturedRecord): void {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  const folder = join(dir, 'ep', 'AllTraffic', hourFolder(at));
  mkdirSync(folder, { recursive: true });
  const rec = {
    captureData: {
      endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: record.input, encoding: 'CSV' },
      endpointOutput: { observedContentType: record.outputContentType ?? 'text/csv', mode: 'OUTPUT', data: record.output, encoding: 'CSV' },
    },
    eventMetadata: {
      eventId: record.eventId ?? `ev-${at}`,
      ...(record.inferenceId ? { inferenceId: record.inferenceId } : {}),
      inferenceTime: d.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    eventVersion: '0',
  };
  const seconds = record.secondsInFileName ? p(d.getUTCSeconds()) : '00';
  writeFileSync(join(folder, `${p(d.getUTCMinutes())}-${seconds}-000-${record.fileTag ?? 'x'}.jsonl`), JSON.stringify(rec) + '\n', { flag: 'a' });
}
