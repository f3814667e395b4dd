/**
 * Shared pieces of the benchmarks: the seeded data set, the feature definitions, temp workspaces, timing and
 * percentile helpers, Redis key cleanup, and the report shape every benchmark returns.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { ColumnTable } from '../src/core/columns.js';
import { createRandom } from '../src/core/random.js';
import type { FeatureDefinition } from '../src/featurestore/model.js';

export const REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_SEED = 20240101;
/** 2024-01-01T00:00:00Z: event times are spread over the following 24 hours (24 hourly Parquet partitions). */
export const BASE_EVENT_TIME_S = 1_704_067_200;
export const EVENT_TIME_SPREAD_S = 86_400;

// ---------------------------------------------------------------------------------------------------------------
// Report

export interface Metric {
  label: string;
  value: number;
  unit: string;
  note?: string;
}

export interface Target {
  label: string;
  /** e.g. ">= 200000 rows/s". */
  goal: string;
  actual: number;
  unit: string;
  pass: boolean;
}

export interface BenchReport {
  metrics: Metric[];
  targets: Target[];
  notes: string[];
  /** Raw figures for the JSON file. */
  details: Record<string, unknown>;
}

export interface BenchResultFile extends BenchReport {
  name: string;
  startedAt: string;
  finishedAt: string;
  ok: boolean;
  error?: string;
  /** Whole-process wall time (from process start to the end of the benchmark), ms. */
  processWallMs: number;
  /** Peak resident set size of the process, MB (process.resourceUsage().maxRSS). */
  peakRssMb: number;
  machine: { node: string; platform: string; cpus: number; cpuModel: string; totalMemMb: number };
  /**
   * How busy the machine was meanwhile, as shares of all cores: `otherCpuShare` is what processes other than this
   * one, its children and redis-server used while the benchmark ran (noise); null without /proc/stat.
   */
  machineLoad: {
    busyShare: number | null;
    /** This process and the processes it waited for (redis-benchmark). */
    ownCpuShare: number;
    redisServerCpuShare: number | null;
    otherCpuShare: number | null;
    loadavgStart: number[];
    loadavgEnd: number[];
  };
}

export interface Benchmark {
  name: string;
  description: string;
  run(log: (line: string) => void): Promise<BenchReport>;
}

export function newReport(): BenchReport {
  return { metrics: [], targets: [], notes: [], details: {} };
}

export function peakRssMb(): number {
  // maxRSS is in kilobytes.
  return process.resourceUsage().maxRSS / 1024;
}

// ---------------------------------------------------------------------------------------------------------------
// Data

/** The 8 features: record id, event time, 3 Integral, 2 Fractional, 1 String (6-10 characters, ~8 on average). */
export const FEATURE_DEFINITIONS: FeatureDefinition[] = [
  { FeatureName: 'index', FeatureType: 'Integral' },
  { FeatureName: 'event_time', FeatureType: 'Fractional' },
  { FeatureName: 'sex', FeatureType: 'Integral' },
  { FeatureName: 'age', FeatureType: 'Integral' },
  { FeatureName: 'visits', FeatureType: 'Integral' },
  { FeatureName: 'score', FeatureType: 'Fractional' },
  { FeatureName: 'amount', FeatureType: 'Fractional' },
  { FeatureName: 'segment', FeatureType: 'String' },
];

export const RECORD_ID = 'index';
export const EVENT_TIME = 'event_time';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `rows` rows with unique record ids 0..rows-1, event times (unix seconds with millisecond precision) spread
 * over one day, and seeded values. Same seed, same table.
 */
export function generateTable(rows: number, seed = DEFAULT_SEED): ColumnTable {
  const random = createRandom(seed);
  const index = new Float64Array(rows);
  const eventTime = new Float64Array(rows);
  const sex = new Float64Array(rows);
  const age = new Float64Array(rows);
  const visits = new Float64Array(rows);
  const score = new Float64Array(rows);
  const amount = new Float64Array(rows);
  const segment: (string | null)[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    index[i] = i;
    eventTime[i] = BASE_EVENT_TIME_S + random.int(0, EVENT_TIME_SPREAD_S * 1000 - 1) / 1000;
    sex[i] = random.next() < 0.8 ? 1 : 0;
    age[i] = random.int(18, 90);
    visits[i] = random.int(0, 10_000);
    score[i] = random.next() * 100;
    amount[i] = Math.round(random.next() * 1_000_000) / 100;
    const len = random.int(6, 10);
    let s = '';
    for (let k = 0; k < len; k++) s += ALPHABET[random.uint32() % ALPHABET.length];
    segment[i] = s;
  }
  return {
    length: rows,
    columns: [
      { name: 'index', type: 'int', values: index },
      { name: 'event_time', type: 'float', values: eventTime },
      { name: 'sex', type: 'int', values: sex },
      { name: 'age', type: 'int', values: age },
      { name: 'visits', type: 'int', values: visits },
      { name: 'score', type: 'float', values: score },
      { name: 'amount', type: 'float', values: amount },
      { name: 'segment', type: 'string', values: segment },
    ],
  };
}

export function numericColumn(table: ColumnTable, name: string): Float64Array {
  const c = table.columns.find((x) => x.name === name);
  if (!c || c.type === 'string' || c.type === 'bool') throw new Error(`no numeric column ${name}`);
  return c.values;
}

export function stringColumn(table: ColumnTable, name: string): (string | null)[] {
  const c = table.columns.find((x) => x.name === name);
  if (!c || c.type !== 'string') throw new Error(`no string column ${name}`);
  return c.values;
}

// ---------------------------------------------------------------------------------------------------------------
// Workspaces and services

export async function tempWorkspace(label: string): Promise<{ home: string; remove(): Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), `plumbline-bench-${label}-`));
  return { home, remove: () => rm(home, { recursive: true, force: true }) };
}

/** A key prefix no other run uses. */
export function uniquePrefix(label: string): string {
  return `plumbline-bench-${label}-${process.pid}-${Date.now().toString(36)}`;
}

/** Deletes every Redis key starting with `prefix`. Returns how many were removed. */
export async function deleteRedisKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 10_000);
      cursor = next;
      if (keys.length > 0) removed += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}

export async function redisAvailable(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reference tools

/**
 * Runs a reference implementation, `{python} {script} ...args`, and parses the JSON on the last line of its
 * stdout as the result. A missing interpreter or a non-zero exit is not an error: `unavailable` says why
 * (with the end of stderr), so the benchmark can report without the comparison.
 */
export function runReferenceScript<T>(python: string, script: string, args: string[]): Promise<{ result?: T; unavailable?: string }> {
  return new Promise((resolve) => {
    const child = spawn(python, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', (e) => resolve({ unavailable: `cannot run ${python}: ${e.message}` }));
    child.on('close', (code) => {
      if (code !== 0) return resolve({ unavailable: `${python} ${script} exited with ${code}: ${err.trim().slice(-500)}` });
      resolve({ result: JSON.parse(out.trim().split('\n').pop()!) as T });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Timing and statistics

export async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Nearest-rank percentile (p in [0, 100]) of an ascending sorted array. */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface LatencySummary {
  count: number;
  meanUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
}

export function summarizeUs(samplesUs: Float64Array): LatencySummary {
  const sorted = Float64Array.from(samplesUs).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    meanUs: sum / sorted.length,
    p50Us: percentile(sorted, 50),
    p90Us: percentile(sorted, 90),
    p99Us: percentile(sorted, 99),
    p999Us: percentile(sorted, 99.9),
    maxUs: sorted[sorted.length - 1]!,
  };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------------------------
// Ingest phases and CPU

/**
 * A Progress that timestamps the phases of `featureStore.ingest`, which (src/featurestore/ingest.ts) ticks
 * once per encoded chunk up to the row count, then writes the offline store, then ticks once per online batch.
 * Offline time is estimated as (first online tick - end of encoding - one batch interval x workers).
 */
export class IngestPhaseClock {
  private t0 = 0;
  private ticked = 0;
  private encodedAt: number | undefined;
  private firstOnlineAt: number | undefined;
  private onlineTicks = 0;
  private doneAt: number | undefined;

  constructor(
    private readonly rows: number,
    private readonly workers: number,
  ) {}

  readonly progress = {
    start: (): void => {
      this.t0 = performance.now();
    },
    tick: (n = 1): void => {
      const now = performance.now();
      const before = this.ticked;
      this.ticked += n;
      if (before < this.rows) {
        if (this.ticked >= this.rows) this.encodedAt = now;
        return;
      }
      this.onlineTicks++;
      this.firstOnlineAt ??= now;
    },
    done: (): void => {
      this.doneAt = performance.now();
    },
  };

  /** Phase durations in ms (undefined where the ticks did not allow an estimate). */
  phases(): { encodeMs?: number; offlineMs?: number; onlineMs?: number; onlineBatches: number } {
    if (this.encodedAt === undefined || this.doneAt === undefined) return { onlineBatches: this.onlineTicks };
    const encodeMs = this.encodedAt - this.t0;
    if (this.firstOnlineAt === undefined || this.onlineTicks < 2) return { encodeMs, offlineMs: this.doneAt - this.encodedAt, onlineBatches: this.onlineTicks };
    const interval = (this.doneAt - this.firstOnlineAt) / (this.onlineTicks - 1);
    const firstBatch = interval * Math.min(this.workers, this.onlineTicks);
    const offlineMs = Math.max(0, this.firstOnlineAt - this.encodedAt - firstBatch);
    return { encodeMs, offlineMs, onlineMs: this.doneAt - this.encodedAt - offlineMs, onlineBatches: this.onlineTicks };
  }
}

/** CPU seconds used by the Redis server so far (INFO cpu: used_cpu_user + used_cpu_sys). */
export async function redisServerCpuSeconds(): Promise<number> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const info = await redis.info('cpu');
    const get = (name: string): number => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? NaN);
    return get('used_cpu_user') + get('used_cpu_sys');
  } finally {
    redis.disconnect();
  }
}

/** CPU seconds of the finished child processes this process waited for (redis-benchmark), from /proc/self/stat. */
export function childrenCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command: state(3) ... utime(14) stime(15) cutime(16) cstime(17), 1-based in proc(5).
    return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of this process (all threads, DuckDB's included). */
export function processCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

// ---------------------------------------------------------------------------------------------------------------
// Machine load (the benchmarks share a small machine; other work there skews them)

interface CpuSnapshot {
  busy: number;
  total: number;
}

/** Machine-wide CPU jiffies from /proc/stat (undefined where it does not exist). */
export function cpuSnapshot(): CpuSnapshot | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((s, v) => s + v, 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Busy share of all cores between two snapshots, 0..1. */
export function busyShare(a: CpuSnapshot, b: CpuSnapshot): number {
  const total = b.total - a.total;
  return total > 0 ? (b.busy - a.busy) / total : 0;
}

/** Busy share of the machine over `ms`, 0..1 (undefined without /proc/stat). */
export async function sampleBusyShare(ms: number): Promise<number | undefined> {
  const a = cpuSnapshot();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuSnapshot();
  return a && b ? busyShare(a, b) : undefined;
}
