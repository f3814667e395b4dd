import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { tableToRows } from '../../core/columns.js';
import { FsObjectStore } from '../../storage/fs/fs-object-store.js';
import type { OfflineGroup, OfflineRow } from '../model.js';
import { OfflineStore } from './offline-store.js';
import { Spool } from './spool.js';

const T0 = Date.UTC(2024, 2, 1, 10, 15, 0);
const group: OfflineGroup = {
  name: 'clicks',
  tableNames: ['clicks'],
  dataPrefix: 'offline-store/clicks-1700000000/data',
  recordIdentifierName: 'id',
  eventTimeFeatureName: 'event_time',
  eventTimeType: 'String',
  definitions: [
    { FeatureName: 'id', FeatureType: 'String' },
    { FeatureName: 'event_time', FeatureType: 'String' },
  ],
};
const row = (id: string): OfflineRow => ({
  values: { id, event_time: new Date(T0).toISOString() },
  eventTimeMs: T0,
  writeTimeMs: T0,
  apiInvocationTimeMs: T0,
  isDeleted: false,
});

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'plumbline-spool-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function store(dir: string): OfflineStore {
  const s = new OfflineStore({
    objectStore: new FsObjectStore(join(dir, 'objects')),
    spoolPath: join(dir, 'spool.sqlite'),
    clock: fixedClock(T0),
    tempDir: join(dir, 'tmp'),
    flushIntervalMs: 0,
  });
  cleanup.push(() => s.close().catch(() => undefined));
  return s;
}

function spool(dir: string, clock = fixedClock(T0)): Spool {
  const s = new Spool(join(dir, 'spool.sqlite'), { clock, leaseMs: 60_000 });
  cleanup.push(() => s.close());
  return s;
}

const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

describe('Spool', () => {
  it('gives concurrent claimers disjoint batches and keeps a batch pinned to its rows', async () => {
    const dir = await tempDir();
    const a = spool(dir);
    const b = spool(dir);
    a.append(group, [row('1'), row('2'), row('3')]);
    const first = a.claim('clicks', 2)!;
    b.append(group, [row('4')]);
    const second = b.claim('clicks', 10)!;
    expect(a.rows(first).map((r) => r.values.id)).toEqual(['1', '2']);
    expect(b.rows(second).map((r) => r.values.id)).toEqual(['3', '4']);
    expect(b.claim('clicks', 10)).toBeUndefined();
    // A failed flusher gives its batch back unchanged, even after more rows arrived.
    a.release(first);
    a.append(group, [row('5')]);
    const retry = b.claim('clicks', 10)!;
    expect([retry.id, retry.firstId, retry.lastId]).toEqual([first.id, first.firstId, first.lastId]);
    expect(b.complete(retry)).toBe(true);
    expect(a.complete(first)).toBe(false);
    expect(a.pendingCount('clicks')).toBe(1);
  });

  it('takes over a batch whose lease expired or whose process is gone', async () => {
    const dir = await tempDir();
    const clock = fixedClock(T0);
    const s = spool(dir, clock);
    s.append(group, [row('1')]);
    const held = s.claim('clicks', 10, `${hostname()}:${process.ppid}:other`)!;
    expect(s.claim('clicks', 10)).toBeUndefined();
    clock.advance(60_001);
    expect(s.claim('clicks', 10)?.id).toBe(held.id);

    s.append(group, [row('2')]);
    const orphan = s.claim('clicks', 10, `${hostname()}:${deadPid()}:dead`)!;
    expect(s.rows(orphan).map((r) => r.values.id)).toEqual(['2']);
    expect(s.claim('clicks', 10)?.id).toBe(orphan.id);
  });
});

describe('OfflineStore spool durability', () => {
  it('finishes the batch of a process that died after its upload by rewriting the same object', async () => {
    const dir = await tempDir();
    const objects = new FsObjectStore(join(dir, 'objects'));
    let uploaded!: (key: string) => void;
    const upload = new Promise<string>((resolve) => (uploaded = resolve));
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const dying = Object.create(objects) as FsObjectStore;
    dying.putFile = async (key, path) => {
      await objects.putFile(key, path);
      uploaded(key);
      await gate;
      throw new Error('killed');
    };
    const a = new OfflineStore({ objectStore: dying, spoolPath: join(dir, 'spool.sqlite'), clock: fixedClock(T0), tempDir: join(dir, 'tmp-a'), flushIntervalMs: 0 });
    cleanup.push(() => a.close().catch(() => undefined));
    await a.append(group, [row('a'), row('b')]);
    const stuck = a.flush();
    const key = await upload;
    // The flusher "dies" between upload and delete: its lease names a process that no longer exists.
    const db = new Database(join(dir, 'spool.sqlite'));
    db.prepare('UPDATE spool_batches SET owner = ?').run(`${hostname()}:${deadPid()}:dead`);
    db.close();

    const b = store(dir);
    expect(await b.flush()).toBe(2);
    expect((await b.listFiles(group)).map((f) => f.key)).toEqual([key]);
    expect(tableToRows((await b.query('SELECT id FROM clicks ORDER BY id', [group])).table)).toEqual([{ id: 'a' }, { id: 'b' }]);
    openGate();
    await expect(stuck).rejects.toThrow('killed');
    expect(await b.flush()).toBe(0);
  });

  it('lets two stores flush the same spool concurrently without writing a row twice', async () => {
    const dir = await tempDir();
    const a = store(dir);
    const b = store(dir);
    for (let i = 0; i < 20; i++) await (i % 2 ? a : b).append(group, Array.from({ length: 50 }, (_, j) => row(`${i}-${j}`)));
    const [na, nb] = await Promise.all([a.flush(), b.flush()]);
    expect(na + nb).toBe(1000);
    const counts = tableToRows((await a.query('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM clicks', [group])).table);
    expect(counts).toEqual([{ n: 1000, ids: 1000 }]);
  });

  it('keeps rows appended by a process that is killed right after the append', async () => {
    const dir = await tempDir();
    const moduleUrl = new URL('./offline-store.ts', import.meta.url).href;
    const script = join(dir, 'append-and-die.mts');
    await writeFile(
      script,
      `import { OfflineStore } from ${JSON.stringify(moduleUrl)};
import { FsObjectStore } from ${JSON.stringify(new URL('../../storage/fs/fs-object-store.ts', import.meta.url).href)};
const [dir, groupJson] = process.argv.slice(2);
const store = new OfflineStore({ objectStore: new FsObjectStore(dir + '/objects'), spoolPath: dir + '/spool.sqlite',
  clock: { now: () => Date.now() }, tempDir: dir + '/tmp', flushIntervalMs: 0 });
const at = ${T0};
await store.append(JSON.parse(groupJson), [1, 2, 3].map((i) => ({ values: { id: 'k' + i, event_time: new Date(at).toISOString() },
  eventTimeMs: at, writeTimeMs: at, apiInvocationTimeMs: at, isDeleted: false })));
process.stdout.write('appended\\n');
process.kill(process.pid, 'SIGKILL');
`,
    );
    const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, dir, JSON.stringify(group)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(err).toBe('');
    expect(out).toBe('appended\n');
    expect(signal).toBe('SIGKILL');

    const reopened = store(dir);
    const got = tableToRows((await reopened.query('SELECT id, event_time FROM clicks ORDER BY id', [group])).table);
    expect(got).toEqual(['k1', 'k2', 'k3'].map((id) => ({ id, event_time: '2024-03-01T10:15:00.000Z' })));
  });
});
