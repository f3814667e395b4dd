/**
 * @module capture/writer
 * The buffered capture writer: invocations hand it finished JSON lines (`write`, synchronous, O(1)); it writes
 * them off the request path as `ENDPOINT/VARIANT/yyyy/MM/dd/HH/mm-ss-SSS-uuid.jsonl` objects, one object per
 * (variant, hour) per flush. Flushes on size, on a timer and on demand (`flush()`, `close()`).
 *
 * Lines are encoded into 256 KiB buffers on arrival, so the strings die young (cheap for the GC) however long
 * they wait for a flush. Memory is bounded: lines buffered plus lines being written never exceed `maxBufferBytes`; past that a line is
 * dropped and counted (`stats.dropped`), never waited for, so a slow destination cannot stall predictions.
 * A failed write keeps its lines (still counted against the bound) and retries on the next flush.
 * File names carry a random UUID, so any number of processes can share one destination.
 */
import type { Clock } from '../core/clock.js';
import { captureFileName } from './record.js';
import type { CaptureSink } from './sink.js';

export interface CaptureWriterOptions {
  sink: CaptureSink;
  endpointName: string;
  clock: Clock;
  /** Flush when this many bytes are buffered (default 4 MiB). */
  flushBytes?: number;
  /** Flush buffered lines at least this often (default 1,000 ms; 0 = only on size and on demand). */
  flushIntervalMs?: number;
  /** Upper bound of buffered + in-flight bytes (default 64 MiB). */
  maxBufferBytes?: number;
  /** Called when writing a file fails (the lines are kept and retried). */
  onError?: (error: unknown) => void;
}

export interface CaptureWriterStats {
  /** Lines accepted. */
  accepted: number;
  /** Lines written to files. */
  written: number;
  /** Lines dropped because the buffer was full. */
  dropped: number;
  files: number;
  /** Bytes buffered or being written. */
  pendingBytes: number;
  failedWrites: number;
}

/** Lines of one (variant, hour), encoded into large buffers as they arrive (no line string outlives its request). */
interface Batch {
  variant: string;
  hour: string;
  /** Full chunks (views of their used bytes); `owned` are the pooled buffers behind them. */
  chunks: Buffer[];
  owned: Buffer[];
  current: Buffer | undefined;
  used: number;
  lines: number;
  bytes: number;
}

const CHUNK_BYTES = 256 * 1024;

export class CaptureWriter {
  private batches = new Map<string, Batch>();
  private bufferedBytes = 0;
  private chain: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private readonly timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly flushBytes: number;
  private readonly maxBytes: number;
  readonly stats: CaptureWriterStats = { accepted: 0, written: 0, dropped: 0, files: 0, pendingBytes: 0, failedWrites: 0 };

  constructor(private readonly options: CaptureWriterOptions) {
    this.flushBytes = options.flushBytes ?? 4 * 2 ** 20;
    this.maxBytes = options.maxBufferBytes ?? 64 * 2 ** 20;
    const interval = options.flushIntervalMs ?? 1000;
    if (interval > 0) {
      this.timer = setInterval(() => {
        if (this.bufferedBytes > 0) void this.flush().catch(() => {});
      }, interval);
      this.timer.unref();
    }
  }

  /** Spare 256 KiB chunks: reusing them keeps the writer from allocating ~10 MB a second under load. */
  private readonly pool: Buffer[] = [];

  private release(chunks: Buffer[]): void {
    for (const c of chunks) if (this.pool.length < 64) this.pool.push(c);
    chunks.length = 0;
  }

  private lastVariant = '';
  private lastHour = '';
  private lastKey = '';

  private keyOf(variant: string, hour: string): string {
    this.lastVariant = variant;
    this.lastHour = hour;
    this.lastKey = variant + '\n' + hour;
    return this.lastKey;
  }

  /** Queues one line for `variant` in the hour folder `hour` (`yyyy/MM/dd/HH`). False when dropped. */
  write(variant: string, hour: string, line: string): boolean {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: an upper bound without scanning the line.
    const room = line.length * 3 + 1;
    if (this.closed || (this.stats.pendingBytes + room > this.maxBytes && this.stats.pendingBytes + Buffer.byteLength(line) + 1 > this.maxBytes)) {
      this.stats.dropped++;
      return false;
    }
    const key = variant === this.lastVariant && hour === this.lastHour ? this.lastKey : this.keyOf(variant, hour);
    let batch = this.batches.get(key);
    if (!batch) {
      batch = { variant, hour, chunks: [], owned: [], current: undefined, used: 0, lines: 0, bytes: 0 };
      this.batches.set(key, batch);
    }
    let buf = batch.current;
    if (buf === undefined || batch.used + room > buf.length) {
      if (buf !== undefined) batch.chunks.push(buf.subarray(0, batch.used));
      buf = batch.current = room > CHUNK_BYTES ? Buffer.allocUnsafe(room) : (this.pool.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES));
      if (buf.length === CHUNK_BYTES) batch.owned.push(buf);
      batch.used = 0;
    }
    // Buffer#utf8Write skips write()'s argument normalisation (measurable at tens of thousands of lines a second).
    const written = (buf as Buffer & { utf8Write(s: string, offset: number, length: number): number }).utf8Write(line, batch.used, buf.length - batch.used);
    buf[batch.used + written] = 10;
    batch.used += written + 1;
    const bytes = written + 1;
    batch.lines++;
    batch.bytes += bytes;
    this.bufferedBytes += bytes;
    this.stats.pendingBytes += bytes;
    this.stats.accepted++;
    if (this.bufferedBytes >= this.flushBytes && !this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => {
        this.flushQueued = false;
        void this.flush().catch(() => {});
      });
    }
    return true;
  }

  /** Writes every line accepted so far; resolves when they are stored (rejects if a write failed). */
  flush(): Promise<void> {
    const batches = [...this.batches.values()];
    this.batches = new Map();
    this.bufferedBytes = 0;
    const run = this.chain.then(() => this.writeBatches(batches));
    this.chain = run.catch(() => {});
    return run;
  }

  /** Stops the timer, refuses new lines, and writes everything buffered. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.closed = true;
    await this.flush();
  }

  private async writeBatches(batches: Batch[]): Promise<void> {
    let failure: unknown;
    await Promise.all(
      batches.map(async (b) => {
        const { sink, endpointName, clock } = this.options;
        const key = `${sink.prefix}${endpointName}/${b.variant}/${b.hour}/${captureFileName(clock.now())}`;
        const parts = partsOf(b);
        const body = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
        // A concatenated body no longer needs its chunks; a single chunk is reused once written.
        if (parts.length > 1) this.release(b.owned);
        try {
          await sink.store.put(key, body);
          if (parts.length === 1) this.release(b.owned);
          this.stats.written += b.lines;
          this.stats.files++;
          this.stats.pendingBytes -= b.bytes;
        } catch (e) {
          failure = e;
          this.stats.failedWrites++;
          this.options.onError?.(e);
          this.requeue(b, body);
        }
      }),
    );
    if (failure !== undefined) throw failure;
  }

  /** Puts a failed batch back in front of the buffer (its bytes are still counted as pending). */
  private requeue(b: Batch, body: Buffer): void {
    const key = b.variant + '\n' + b.hour;
    const current = this.batches.get(key);
    if (current) {
      current.chunks.unshift(body);
      current.owned.push(...b.owned);
      current.lines += b.lines;
      current.bytes += b.bytes;
    } else {
      this.batches.set(key, { ...b, chunks: [body], current: undefined, used: 0 });
    }
    this.bufferedBytes += b.bytes;
  }
}

/** The batch's lines as buffers, in order. */
function partsOf(b: Batch): Buffer[] {
  return b.current !== undefined && b.used > 0 ? [...b.chunks, b.current.subarray(0, b.used)] : b.chunks;
}

