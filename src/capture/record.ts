/**
 * @module capture/record
 * One capture line in SageMaker's format (`captureData.endpointInput/endpointOutput` with observedContentType,
 * mode, data, encoding; `eventMetadata.eventId/inferenceId/inferenceTime/customAttributes`; `eventVersion` "0"),
 * built as a string on the request path (no intermediate objects), and the hour folder of an invocation.
 */
import { randomUUID } from 'node:crypto';
import type { DataCaptureConfigApi } from './config.js';
import { captureModes } from './config.js';

export type CaptureEncoding = 'CSV' | 'JSON' | 'BASE64';

/** What one invocation contributes to a capture line. */
export interface CaptureEvent {
  inputContentType: string;
  input: string | Uint8Array;
  outputContentType: string;
  output: string;
  /** Epoch ms of the invocation. */
  time: number;
  inferenceId?: string;
  customAttributes?: string;
}

/** Decides encodings from a config; `line()` renders an event. */
export class CaptureFormatter {
  private readonly csv: Set<string>;
  private readonly json: Set<string>;
  private readonly input: boolean;
  private readonly output: boolean;
  private lastSecond = -1;
  private lastIso = '';

  constructor(config: DataCaptureConfigApi) {
    this.csv = new Set(config.CaptureContentTypeHeader.CsvContentTypes.map((t) => t.toLowerCase()));
    this.json = new Set(config.CaptureContentTypeHeader.JsonContentTypes.map((t) => t.toLowerCase()));
    const modes = captureModes(config);
    this.input = modes.input;
    this.output = modes.output;
  }

  /** CSV / JSON when the media type (parameters ignored) is listed, else BASE64 (as SageMaker). */
  encodingOf(contentType: string): CaptureEncoding {
    const semi = contentType.indexOf(';');
    const media = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
    if (this.csv.has(media)) return 'CSV';
    if (this.json.has(media)) return 'JSON';
    return 'BASE64';
  }

  line(e: CaptureEvent): string {
    let s = '{"captureData":{';
    if (this.input) s += '"endpointInput":' + this.part(e.inputContentType, 'INPUT', e.input);
    if (this.output) s += (this.input ? ',' : '') + '"endpointOutput":' + this.part(e.outputContentType, 'OUTPUT', e.output);
    s += '},"eventMetadata":{"eventId":"' + randomUUID() + '"';
    if (e.inferenceId !== undefined) s += ',"inferenceId":' + JSON.stringify(e.inferenceId);
    s += ',"inferenceTime":"' + this.isoSecond(e.time) + '"';
    if (e.customAttributes !== undefined) s += ',"customAttributes":' + JSON.stringify([e.customAttributes]);
    return s + '},"eventVersion":"0"}';
  }

  /** Per (mode, content type): the encoding and the JSON before and after the data (a few content types in practice). */
  private readonly parts = new Map<string, { encoding: CaptureEncoding; head: string; tail: string }>();

  private part(contentType: string, mode: 'INPUT' | 'OUTPUT', body: string | Uint8Array): string {
    const key = mode + contentType;
    let p = this.parts.get(key);
    if (p === undefined) {
      const encoding = this.encodingOf(contentType);
      p = { encoding, head: '{"observedContentType":' + JSON.stringify(contentType) + ',"mode":"' + mode + '","data":', tail: ',"encoding":"' + encoding + '"}' };
      if (this.parts.size < 64) this.parts.set(key, p);
    }
    const data = p.encoding === 'BASE64' ? Buffer.from(body).toString('base64') : typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    return p.head + JSON.stringify(data) + p.tail;
  }

  /** `2022-04-18T00:21:48Z` (seconds precision, as SageMaker writes it); cached per second. */
  private isoSecond(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.lastSecond) {
      this.lastSecond = second;
      this.lastIso = new Date(second * 1000).toISOString().slice(0, 19) + 'Z';
    }
    return this.lastIso;
  }
}

/** `yyyy/MM/dd/HH` (UTC) of an epoch-ms time: the capture file's hour folder. */
export function hourFolder(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}`;
}

/** `mm-ss-SSS-<uuid4>.jsonl`: the capture file name SageMaker uses (minute, second, millis of creation). */
export function captureFileName(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(14, 16)}-${iso.slice(17, 19)}-${iso.slice(20, 23)}-${randomUUID()}.jsonl`;
}
