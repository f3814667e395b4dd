/**
 * @module models/remote/remote-predictor
 * The Predictor adapter for a model served elsewhere behind the SageMaker container contract:
 * `GET {url}/ping` answers 200 when healthy, `POST {url}/invocations` takes `text/csv` rows (no header) and
 * answers predictions (see `parse-predictions` for the accepted bodies). Works against SageMaker's
 * built-in XGBoost / scikit-learn containers run locally, or any server speaking the same two routes.
 *
 * Large matrices go out in requests of `maxRowsPerRequest` rows, a few at a time. Errors: 5xx (and 429)
 * -> STORE_UNAVAILABLE (retryable), other 4xx -> VALIDATION_FAILED carrying the server's message, no
 * answer within `timeoutMs` -> TIMEOUT, an unreadable body -> SCHEMA_MISMATCH quoting it.
 */
import { invalid, isPlatformError, PlatformError, ValidationError } from '../../core/errors.js';
import type { FeatureMatrix, Predictor } from '../predictor.js';
import { csvRows } from './csv-rows.js';
import { parsePredictions } from './parse-predictions.js';

export interface RemotePredictorOptions {
  /** Base URL; `/ping` and `/invocations` are appended. */
  url: string;
  /** Features the model reads, in CSV column order. */
  featureNames: string[];
  /** Output columns per row (default ['score']); class labels for a probabilities response. */
  outputNames?: string[];
  /** Accept header (default application/json); the response is parsed by its own Content-Type. */
  accept?: 'application/json' | 'text/csv';
  /** Per request, body included (default 60,000: SageMaker's invocation limit). */
  timeoutMs?: number;
  /** Rows per /invocations request (default 1,000). */
  maxRowsPerRequest?: number;
  /** Requests in flight at once (default 2). */
  concurrency?: number;
  /** Extra request headers, e.g. Authorization. */
  headers?: Record<string, string>;
}

export interface RemotePredictor extends Predictor {
  /** Resolves when `GET /ping` answers 2xx; rejects with STORE_UNAVAILABLE or TIMEOUT otherwise. */
  checkHealth(): Promise<void>;
}

export function createRemotePredictor(options: RemotePredictorOptions): RemotePredictor {
  const base = parseBaseUrl(options.url);
  if (!Array.isArray(options.featureNames) || options.featureNames.length === 0) {
    throw invalid('featureNames', options.featureNames, 'a non-empty list of feature names');
  }
  if (options.outputNames !== undefined && options.outputNames.length === 0) {
    throw invalid('outputNames', options.outputNames, 'a non-empty list of output names');
  }
  const config: Config = {
    base,
    accept: options.accept ?? 'application/json',
    timeoutMs: positiveInteger('timeoutMs', options.timeoutMs, 60_000),
    maxRows: positiveInteger('maxRowsPerRequest', options.maxRowsPerRequest, 1_000),
    concurrency: positiveInteger('concurrency', options.concurrency, 2),
    headers: { ...options.headers },
  };
  return new HttpPredictor(config, [...options.featureNames], [...(options.outputNames ?? ['score'])]);
}

interface Config {
  base: string;
  accept: string;
  timeoutMs: number;
  maxRows: number;
  concurrency: number;
  headers: Record<string, string>;
}

class HttpPredictor implements RemotePredictor {
  readonly kind = 'remote';

  constructor(
    private readonly config: Config,
    readonly featureNames: string[],
    readonly outputNames: string[],
  ) {}

  async checkHealth(): Promise<void> {
    const { base, timeoutMs, headers } = this.config;
    await send(`${base}/ping`, 'GET /ping', { method: 'GET', headers }, timeoutMs, undefined, true);
  }

  async predict(matrix: FeatureMatrix): Promise<Float64Array> {
    const cols = this.featureNames.length;
    if (matrix.cols !== cols) {
      throw new ValidationError([{ path: 'matrix.cols', message: `got ${matrix.cols} feature columns, the remote model reads ${cols} (${this.featureNames.join(', ')})` }]);
    }
    const width = this.outputNames.length;
    const out = new Float64Array(matrix.rows * width);
    const starts: number[] = [];
    for (let s = 0; s < matrix.rows; s += this.config.maxRows) starts.push(s);
    // One failed request aborts its siblings instead of letting them run to their own timeouts.
    const failed = new AbortController();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < starts.length && !failed.signal.aborted) {
        const start = starts[next++]!;
        const end = Math.min(start + this.config.maxRows, matrix.rows);
        out.set(await this.invoke(csvRows(matrix, start, end), end - start, width, failed.signal), start * width);
      }
    };
    const workers = Array.from({ length: Math.min(this.config.concurrency, starts.length) }, () =>
      worker().catch((e: unknown) => {
        failed.abort();
        throw e;
      }),
    );
    const results = await Promise.allSettled(workers);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isSiblingAbort(r.reason));
    if (rejected) throw rejected.reason;
    return out;
  }

  private async invoke(csv: string, rows: number, width: number, cancel: AbortSignal): Promise<Float64Array> {
    const { base, accept, timeoutMs, headers } = this.config;
    const init: RequestInit = { method: 'POST', headers: { ...headers, 'Content-Type': 'text/csv', Accept: accept }, body: csv };
    const { body, contentType } = await send(`${base}/invocations`, 'POST /invocations', init, timeoutMs, cancel, false);
    return parsePredictions(body, contentType, rows, width, `the remote model at ${base}/invocations`);
  }
}

const SIBLING_ABORT = Symbol('sibling aborted');

function isSiblingAbort(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[SIBLING_ABORT] === true;
}

async function send(
  url: string,
  what: string,
  init: RequestInit,
  timeoutMs: number,
  cancel: AbortSignal | undefined,
  health: boolean,
): Promise<{ body: string; contentType: string | null }> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = cancel ? AbortSignal.any([timeout, cancel]) : timeout;
  try {
    const response = await fetch(url, { ...init, signal });
    const body = await response.text();
    if (!response.ok) throw statusError(url, what, response.status, response.statusText, body, health);
    return { body, contentType: response.headers.get('content-type') };
  } catch (e) {
    if (isPlatformError(e)) throw e;
    if (timeout.aborted) throw new PlatformError('TIMEOUT', `remote model ${what} (${url}) did not answer within ${timeoutMs} ms`, { details: { url, timeoutMs } });
    if (cancel?.aborted) throw Object.assign(new Error('cancelled after a sibling request failed'), { [SIBLING_ABORT]: true });
    throw new PlatformError('STORE_UNAVAILABLE', `remote model ${what} (${url}) failed: ${networkReason(e)}`, { details: { url }, cause: e });
  }
}

function statusError(url: string, what: string, status: number, statusText: string, body: string, health: boolean): PlatformError {
  const message = `remote model ${what} (${url}) answered ${status}${statusText ? ` ${statusText}` : ''}: ${serverMessage(body)}`;
  const details = { url, status };
  if (health || status >= 500 || status === 429 || status < 400) return new PlatformError('STORE_UNAVAILABLE', message, { details });
  return new ValidationError(message, details);
}

/** The `message` / `error` field of a JSON error body, else the text itself, shortened. */
function serverMessage(body: string): string {
  const text = body.trim();
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    for (const key of ['message', 'Message', 'error', 'detail', 'errorMessage']) {
      const v = json?.[key];
      if (typeof v === 'string' && v !== '') return shorten(v);
    }
  } catch {
    // not JSON: use the text
  }
  return text === '' ? '(empty body)' : shorten(text);
}

/** undici reports "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND) is in the cause. */
function networkReason(e: unknown): string {
  const cause = e instanceof Error ? (e.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.message === 'string' && cause.message !== '') return cause.message;
  if (cause && typeof cause.code === 'string') return cause.code;
  return e instanceof Error ? e.message : String(e);
}

function shorten(s: string): string {
  return s.length > 500 ? `${s.slice(0, 497)}...` : s;
}

function parseBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('url', url, 'an http(s) URL such as http://127.0.0.1:8080');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalid('url', url, 'an http(s) URL such as http://127.0.0.1:8080');
  return url.replace(/\/+$/, '');
}

function positiveInteger(path: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw invalid(path, value, 'a positive integer');
  return value;
}
