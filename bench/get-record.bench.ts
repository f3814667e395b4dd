/**
 * Online reads: after ingesting 100,000 records, 100,000 random `featureStore.getRecord(name, id)` calls in
 * process (one at a time, after a warm-up), for the SQLite online store and for Redis; p50/p99/p999 in µs.
 *
 * Also timed, with the same ids, to show where the time goes:
 * - the raw adapter call: `readBatch(group, [id])` on a second adapter instance (`openOnlineStore` with the
 *   platform's config) over the same data;
 * - Redis only: a plain ioredis `GET` of one key holding a record-sized value (Node + ioredis, no plumbline).
 * The kinds run in interleaved blocks, so drift on a shared machine affects them alike.
 *
 * Floor: `redis-benchmark -h 127.0.0.1 -p 6379 -t get -n 100000 -c 1 -P 1 --csv` (C client, one connection, no
 * pipelining), run just before and just after the Redis measurements; the ratio uses the lower of the two p99s
 * (noise only ever adds latency, so the lower run is the better estimate of the floor).
 */
import { Redis } from 'ioredis';
import { createRandom } from '../src/core/random.js';
import { openOnlineStore, type OnlineStore } from '../src/featurestore/online/index.js';
import { createPlatform } from '../src/index.js';
import {
  DEFAULT_SEED,
  EVENT_TIME,
  FEATURE_DEFINITIONS,
  RECORD_ID,
  REDIS_URL,
  deleteRedisKeys,
  fmtInt,
  generateTable,
  newReport,
  redisAvailable,
  round,
  summarizeUs,
  tempWorkspace,
  timed,
  uniquePrefix,
  type BenchReport,
  type Benchmark,
  type LatencySummary,
} from './common.js';
import { redisBenchmarkFloor, type RedisBenchmarkFloor } from './floor.js';

const RECORDS = 100_000;
const CALLS = 100_000;
const WARMUP = 10_000;
/** Each kind's calls are split into this many blocks, run in turn with the other kinds' blocks. */
const BLOCKS = 10;
const GROUP = 'bench_get_record';
const TARGET_SQLITE_P99_US = 50;
const TARGET_REDIS_P99_RATIO = 1.5;

type Kind = 'getRecord' | 'readBatch' | 'ioredisGet';

const KIND_LABELS: Record<Kind, string> = {
  getRecord: 'featureStore.getRecord',
  readBatch: 'adapter readBatch([id])',
  ioredisGet: 'plain ioredis GET (same process)',
};

interface BackendResult {
  backend: 'sqlite' | 'redis';
  ingestMs: number;
  latency: Partial<Record<Kind, LatencySummary>>;
  readBatchError?: string;
  getRecordCallsPerS: number;
}

function randomIds(count: number, seed: number): string[] {
  const random = createRandom(seed);
  const ids: string[] = new Array(count);
  for (let i = 0; i < count; i++) ids[i] = String(random.int(0, RECORDS - 1));
  return ids;
}

/** Times each kind on every id (sequential awaits, µs each), the kinds taking turns block by block. */
async function sampleInterleaved(kinds: Partial<Record<Kind, (id: string) => Promise<unknown>>>, ids: string[]): Promise<Partial<Record<Kind, Float64Array>>> {
  const entries = Object.entries(kinds) as [Kind, (id: string) => Promise<unknown>][];
  const out: Partial<Record<Kind, Float64Array>> = {};
  for (const [kind] of entries) out[kind] = new Float64Array(ids.length);
  const size = Math.ceil(ids.length / BLOCKS);
  for (let start = 0; start < ids.length; start += size) {
    const end = Math.min(ids.length, start + size);
    for (const [kind, fn] of entries) {
      const samples = out[kind]!;
      for (let i = start; i < end; i++) {
        const id = ids[i]!;
        const t0 = performance.now();
        await fn(id);
        samples[i] = (performance.now() - t0) * 1000;
      }
    }
  }
  return out;
}

async function measureBackend(backend: 'sqlite' | 'redis', log: (line: string) => void): Promise<BackendResult> {
  const ws = await tempWorkspace(`get-record-${backend}`);
  const prefix = uniquePrefix('get-record');
  let store: OnlineStore | undefined;
  let raw: Redis | undefined;
  try {
    const platform = await createPlatform({
      home: ws.home,
      offlineFlushIntervalMs: 0,
      ...(backend === 'redis' ? { config: { onlineStore: `${REDIS_URL}?prefix=${prefix}` } } : {}),
    });
    try {
      const fs = platform.featureStore;
      await fs.createFeatureGroup({
        featureGroupName: GROUP,
        recordIdentifierName: RECORD_ID,
        eventTimeFeatureName: EVENT_TIME,
        featureDefinitions: FEATURE_DEFINITIONS,
        enableOnlineStore: true,
      });
      const ingest = await timed(() => fs.ingest(GROUP, generateTable(RECORDS), { workers: backend === 'redis' ? 4 : 1 }));
      const first = await fs.getRecord(GROUP, '12345');
      if ((first.Record?.length ?? 0) !== FEATURE_DEFINITIONS.length) throw new Error(`getRecord returned ${JSON.stringify(first)}`);

      const kinds: Partial<Record<Kind, (id: string) => Promise<unknown>>> = { getRecord: (id) => fs.getRecord(GROUP, id) };
      let readBatchError: string | undefined;
      try {
        // A second adapter instance on the same store (same file / same Redis prefix).
        const opened = await openOnlineStore(platform.config.onlineStore);
        store = opened;
        if ((await opened.readBatch(GROUP, ['12345'], Date.now()))[0] === undefined) throw new Error('readBatch on a second adapter instance did not find record 12345');
        kinds.readBatch = (id) => opened.readBatch(GROUP, [id], Date.now());
      } catch (e) {
        readBatchError = e instanceof Error ? e.message : String(e);
        log(`${backend}: adapter readBatch not measured: ${readBatchError}`);
      }
      if (backend === 'redis') {
        const client = new Redis(REDIS_URL);
        raw = client;
        const probeKey = `${prefix}:bench-probe`;
        // A value the size of a stored record: the record's feature values as JSON plus the adapter's header.
        const values = Object.fromEntries((first.Record ?? []).map((f) => [f.FeatureName, f.ValueAsString]));
        await client.set(probeKey, JSON.stringify([Date.now(), null, 0, values]));
        kinds.ioredisGet = () => client.get(probeKey);
      }

      await sampleInterleaved(kinds, randomIds(WARMUP, DEFAULT_SEED + 1));
      const samples = await sampleInterleaved(kinds, randomIds(CALLS, DEFAULT_SEED + 2));
      const latency: Partial<Record<Kind, LatencySummary>> = {};
      for (const [kind, s] of Object.entries(samples) as [Kind, Float64Array][]) {
        latency[kind] = summarizeUs(s);
        const l = latency[kind]!;
        log(`${backend}: ${KIND_LABELS[kind]}: p50 ${l.p50Us.toFixed(1)} µs, p99 ${l.p99Us.toFixed(1)} µs, p999 ${l.p999Us.toFixed(1)} µs`);
      }
      const totalS = samples.getRecord!.reduce((s, v) => s + v, 0) / 1e6;
      return {
        backend,
        ingestMs: round(ingest.ms),
        latency,
        ...(readBatchError !== undefined ? { readBatchError } : {}),
        getRecordCallsPerS: Math.round(CALLS / totalS),
      };
    } finally {
      await store?.close();
      raw?.disconnect();
      await platform.close();
    }
  } finally {
    await ws.remove();
    if (backend === 'redis') await deleteRedisKeys(prefix);
  }
}

const us = (v: number): number => round(v, 1);

export const benchmark: Benchmark = {
  name: 'get-record',
  description: `${fmtInt(CALLS)} random featureStore.getRecord calls over ${fmtInt(RECORDS)} records (SQLite and Redis online stores), vs redis-benchmark GET`,
  async run(log): Promise<BenchReport> {
    const report = newReport();
    const sqlite = await measureBackend('sqlite', log);
    let redis: BackendResult | undefined;
    const floors: RedisBenchmarkFloor[] = [];
    if (await redisAvailable()) {
      const runFloor = (when: string): void => {
        const f = redisBenchmarkFloor(CALLS);
        floors.push(f);
        log(`floor (${when}): ${f.command}: p50 ${f.p50Us} µs, p99 ${f.p99Us} µs (${fmtInt(f.rps)} req/s)`);
      };
      runFloor('before');
      redis = await measureBackend('redis', log);
      runFloor('after');
    } else {
      report.notes.push(`Redis at ${REDIS_URL} is not reachable: the Redis run and the redis-benchmark floor were skipped.`);
    }

    const push = (backend: string, r: BackendResult): void => {
      for (const kind of ['getRecord', 'readBatch', 'ioredisGet'] as Kind[]) {
        const s = r.latency[kind];
        if (!s) continue;
        report.metrics.push(
          { label: `${backend} ${KIND_LABELS[kind]} p50`, value: us(s.p50Us), unit: 'µs' },
          { label: `${backend} ${KIND_LABELS[kind]} p99`, value: us(s.p99Us), unit: 'µs' },
          { label: `${backend} ${KIND_LABELS[kind]} p999`, value: us(s.p999Us), unit: 'µs' },
        );
      }
      const g = r.latency.getRecord!;
      const a = r.latency.readBatch;
      if (a) report.metrics.push({ label: `${backend} facade cost (getRecord - readBatch) p50`, value: us(g.p50Us - a.p50Us), unit: 'µs' });
    };
    push('SQLite', sqlite);
    report.targets.push({
      label: 'SQLite getRecord p99',
      goal: `< ${TARGET_SQLITE_P99_US} µs`,
      actual: us(sqlite.latency.getRecord!.p99Us),
      unit: 'µs',
      pass: sqlite.latency.getRecord!.p99Us < TARGET_SQLITE_P99_US,
    });
    if (redis) {
      floors.forEach((f, i) =>
        report.metrics.push(
          { label: `floor: redis-benchmark GET p50 (${i === 0 ? 'before' : 'after'})`, value: us(f.p50Us), unit: 'µs' },
          { label: `floor: redis-benchmark GET p99 (${i === 0 ? 'before' : 'after'})`, value: us(f.p99Us), unit: 'µs' },
        ),
      );
      push('Redis', redis);
      const floorP99 = Math.min(...floors.map((f) => f.p99Us));
      const ratio = redis.latency.getRecord!.p99Us / floorP99;
      report.metrics.push({ label: 'Redis getRecord p99 / redis-benchmark p99 (lower run)', value: round(ratio, 2), unit: 'x' });
      if (redis.latency.ioredisGet) {
        report.metrics.push({ label: 'plain ioredis GET p99 / redis-benchmark p99 (lower run)', value: round(redis.latency.ioredisGet.p99Us / floorP99, 2), unit: 'x' });
      }
      report.targets.push({
        label: 'Redis getRecord p99 vs redis-benchmark GET p99',
        goal: `<= ${TARGET_REDIS_P99_RATIO}x`,
        actual: round(ratio, 2),
        unit: 'x',
        pass: ratio <= TARGET_REDIS_P99_RATIO,
      });
    }
    report.notes.push(
      `Calls are sequential (one in flight), ids uniformly random over the ${fmtInt(RECORDS)} records, after ${fmtInt(WARMUP)} warm-up calls per kind; latency = performance.now() around each await.`,
      'redis-benchmark GETs the one key `key:__rand_int__` (absent: nil reply) and reports latency at 1 µs resolution; a plumbline Redis read returns a ~200-byte record.',
    );
    report.details = { records: RECORDS, calls: CALLS, warmup: WARMUP, blocks: BLOCKS, sqlite, redis: redis ?? null, redisBenchmark: floors.map(({ raw: _raw, ...f }) => f) };
    return report;
  },
};
