/**
 * @module datasets/scholarship
 * The running example's synthetic dataset: scholarship applications with a built-in bias (80% of rows are
 * male, and the first 60% of rows are approved whatever their scores) for the bias and explainability
 * chapters. Same options, same rows, on every machine: all randomness comes from the seeded PRNG, in a fixed
 * order (each score column in turn, then the shuffle, then the event-time offsets).
 */
import type { ColumnTable } from '../core/columns.js';
import { invalid } from '../core/errors.js';
import { createRandom } from '../core/random.js';
import { writeTable } from '../table/write-table.js';

/** 2024-01-01T00:00:00Z: the event time when none is given, so default output never changes. */
export const DEFAULT_EVENT_TIME = 1_704_067_200;

export const SCHOLARSHIP_COLUMNS = ['approved', 'sex', 'math', 'science', 'technology', 'random1', 'random2', 'index', 'event_time'] as const;

export interface ScholarshipOptions {
  /** Number of rows, 1..10,000,000. Default 1000. */
  rows?: number;
  /** PRNG seed, an integer. Default 42. */
  seed?: number;
  /** Unix seconds written to every row's `event_time`. Default DEFAULT_EVENT_TIME (the CLI passes the current time). */
  eventTime?: number;
  /** When > 0, each row gets eventTime + a uniform offset in [0, spread) seconds, in whole milliseconds. */
  eventTimeSpreadSeconds?: number;
}

const MAX_ROWS = 10_000_000;
const SCORE_COLUMNS = ['math', 'science', 'technology', 'random1', 'random2'] as const;

function checkOptions(options: ScholarshipOptions): Required<ScholarshipOptions> {
  const { rows = 1000, seed = 42, eventTime = DEFAULT_EVENT_TIME, eventTimeSpreadSeconds = 0 } = options;
  if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 1 || rows > MAX_ROWS) {
    throw invalid('rows', rows, `an integer from 1 to ${MAX_ROWS.toLocaleString('en-US')}`);
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw invalid('seed', seed, 'a finite integer');
  if (typeof eventTime !== 'number' || !Number.isFinite(eventTime)) throw invalid('eventTime', eventTime, 'a finite number of unix seconds');
  if (typeof eventTimeSpreadSeconds !== 'number' || !Number.isFinite(eventTimeSpreadSeconds) || eventTimeSpreadSeconds < 0) {
    throw invalid('eventTimeSpreadSeconds', eventTimeSpreadSeconds, 'a finite number of seconds >= 0');
  }
  return { rows, seed, eventTime, eventTimeSpreadSeconds };
}

/** Generates the scholarship table: columns approved, sex, math, science, technology, random1, random2, index, event_time. */
export function generateScholarship(options: ScholarshipOptions = {}): ColumnTable {
  const { rows: n, seed, eventTime, eventTimeSpreadSeconds: spread } = checkOptions(options);
  const random = createRandom(seed);

  // Bytes while generating: the shuffle's random-order reads then stay in cache (1 MB per column at 1M rows).
  const scores = SCORE_COLUMNS.map(() => new Uint8Array(n));
  for (const column of scores) {
    for (let i = 0; i < n; i++) column[i] = random.int(60, 100);
  }
  const [math, science, technology] = scores as [Uint8Array, Uint8Array, Uint8Array];

  const males = Math.round(0.8 * n);
  const forced = Math.round(0.6 * n);
  const sex = new Uint8Array(n);
  const approved = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    sex[i] = i < males ? 1 : 0;
    approved[i] = i < forced || math[i]! + science[i]! + technology[i]! > 240 ? 1 : 0;
  }

  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  random.shuffle(order);

  const take = (source: Uint8Array): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = source[order[i]!]!;
    return out;
  };
  const index = new Float64Array(n);
  const eventTimes = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    index[i] = i + 1;
    eventTimes[i] = spread > 0 ? eventTime + Math.floor(random.next() * spread * 1000) / 1000 : eventTime;
  }

  const shuffledScores = scores.map(take);
  return {
    length: n,
    columns: [
      { name: 'approved', type: 'int', values: take(approved) },
      { name: 'sex', type: 'int', values: take(sex) },
      ...SCORE_COLUMNS.map((name, c) => ({ name, type: 'int' as const, values: shuffledScores[c]! })),
      { name: 'index', type: 'int', values: index },
      { name: 'event_time', type: 'float', values: eventTimes },
    ],
  };
}

/** Generates the dataset and writes it to a .csv or .parquet file (replaced atomically). */
export async function writeScholarship(path: string, options: ScholarshipOptions = {}): Promise<void> {
  if (typeof path !== 'string' || !/\.(csv|parquet)$/i.test(path)) throw invalid('path', path, 'a file path ending in .csv or .parquet');
  await writeTable(generateScholarship(options), path);
}
