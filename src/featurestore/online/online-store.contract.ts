/**
 * @module featurestore/online/online-store.contract
 * The behaviour every OnlineStore adapter must show, as a vitest suite. An adapter's test calls
 * `runOnlineStoreContract` with a factory that opens a fresh, empty store on its own storage.
 *
 * Times: records that expire get expiry times an hour or more ahead of the wall clock, and expiry is driven
 * by the `now` argument, so an adapter with native expiry (Redis PXAT) never drops them on its own mid-test.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPlatformError, type ErrorCode } from '../../core/errors.js';
import type { DeleteOutcome, OnlineRecord, OnlineWrite } from '../model.js';
import type { OnlineStore } from './online-store.js';

export interface OnlineStoreFixture {
  store: OnlineStore;
  /** Closes `store` (it may already be closed) and deletes its storage. */
  cleanup: () => Promise<void>;
}

const TESTS = {
  roundTrip: 'readBatch returns the written records aligned with the ids asked, undefined where absent',
  values: 'values round-trip exactly: empty strings, unicode, quotes, control characters, no features at all',
  tie: 'a write with an equal event time overwrites; an older one is stale and leaves the record intact',
  order: 'a batch applies in order: a repeated id compares against the earlier write of the same batch',
  fractional: 'fractional event times compare exactly',
  softDelete: 'softDelete: absent, stale when not later, deleted when later; then unreadable but listable',
  revive: 'a write at or after a soft delete\'s event time revives the record; an older write is stale',
  softTwice: 'soft-deleting a soft-deleted record with a later time keeps it soft-deleted at the newer time',
  hardDelete: 'hardDelete: absent, stale when not later, deleted when later; then gone, even from listings',
  hardAfterSoft: 'hard-deleting a soft-deleted record compares with the soft delete\'s event time',
  ttlRead: 'a record is readable before expiresAtMs and never at or after it',
  ttlAbsent: 'an expired record counts as absent for writes and deletes and is not listed',
  ttlWriteExpired: 'a write already expired is applied but never readable',
  ttlSoftDelete: 'a soft delete keeps the record\'s expiry',
  purge: 'purgeExpired removes expired records only and counts them',
  list: 'listRecords pages 250 ids by 100: each id once, sorted, a token only while more follow',
  listFilter: 'listRecords leaves out soft-deleted records unless asked, and expired ones always',
  listEdge: 'listRecords of an empty group is empty; a token it did not issue is rejected',
  dropGroup: 'dropGroup removes one group\'s records only, also when its name prefixes another\'s',
  groups: 'the same record id in two groups is two records',
  oddIds: 'record ids with unicode, colons, spaces, glob, JSON and separator characters',
  longIds: 'record ids of 2 KB',
  bigBatch: '10,000 records in one batch, then the same batch stale, then mixed',
  model: 'random batches, deletes and clock moves agree with a reference model',
  invalid: 'rejects a non-finite event time before writing anything',
} as const;

export type OnlineStoreContractTest = (typeof TESTS)[keyof typeof TESTS];

export interface OnlineStoreContractOptions {
  name: string;
  create: () => Promise<OnlineStoreFixture>;
  skip?: { test: OnlineStoreContractTest; reason: string }[];
}

const G = 'users';
const NOW = 1_700_000_000_000;

function w(recordId: string, eventTimeMs: number, values: Record<string, string> = { v: String(eventTimeMs) }, expiresAtMs: number | null = null): OnlineWrite {
  return { recordId, eventTimeMs, values, expiresAtMs };
}

function rec(recordId: string, eventTimeMs: number, values: Record<string, string> = { v: String(eventTimeMs) }, expiresAtMs: number | null = null): OnlineRecord {
  return { recordId, eventTimeMs, values, expiresAtMs, softDeleted: false };
}

/** SQLite and Redis both order ids by their UTF-8 bytes. */
function byteSorted(ids: string[]): string[] {
  return [...ids].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

/** Every page of a listing, checking page sizes and that only non-final pages carry a token. */
async function listAll(store: OnlineStore, group: string, now: number, includeSoftDeleted = false, maxResults = 100): Promise<{ ids: string[]; pages: number[] }> {
  const ids: string[] = [];
  const pages: number[] = [];
  let nextToken: string | undefined;
  do {
    const page = await store.listRecords(group, { maxResults, includeSoftDeleted, ...(nextToken !== undefined ? { nextToken } : {}) }, now);
    expect(page.recordIds.length).toBeLessThanOrEqual(maxResults);
    pages.push(page.recordIds.length);
    ids.push(...page.recordIds);
    nextToken = page.nextToken;
    if (pages.length > 100_000) throw new Error('listRecords never ended');
  } while (nextToken !== undefined);
  return { ids, pages };
}

async function rejectionCode(promise: Promise<unknown>): Promise<ErrorCode | string> {
  try {
    await promise;
  } catch (e) {
    return isPlatformError(e) ? e.code : `not a PlatformError: ${String(e)}`;
  }
  return 'resolved';
}

/** A small deterministic PRNG (mulberry32) so a failing model run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The rules of online-store.ts, written as plainly as possible. */
class ReferenceStore {
  private readonly records = new Map<string, { eventTimeMs: number; expiresAtMs: number | null; softDeleted: boolean; values: Record<string, string> }>();

  private live(id: string, now: number) {
    const r = this.records.get(id);
    return r !== undefined && (r.expiresAtMs === null || r.expiresAtMs > now) ? r : undefined;
  }

  write(x: OnlineWrite, now: number): number {
    const r = this.live(x.recordId, now);
    if (r !== undefined && x.eventTimeMs < r.eventTimeMs) return 0;
    this.records.set(x.recordId, { eventTimeMs: x.eventTimeMs, expiresAtMs: x.expiresAtMs, softDeleted: false, values: x.values });
    return 1;
  }

  delete(id: string, eventTimeMs: number, now: number, hard: boolean): DeleteOutcome {
    const r = this.live(id, now);
    if (r === undefined) return 'absent';
    if (eventTimeMs <= r.eventTimeMs) return 'stale';
    if (hard) this.records.delete(id);
    else this.records.set(id, { ...r, eventTimeMs, softDeleted: true, values: {} });
    return 'deleted';
  }

  read(id: string, now: number): OnlineRecord | undefined {
    const r = this.live(id, now);
    return r === undefined || r.softDeleted ? undefined : { recordId: id, eventTimeMs: r.eventTimeMs, values: r.values, expiresAtMs: r.expiresAtMs, softDeleted: false };
  }

  list(now: number, includeSoftDeleted: boolean): string[] {
    return byteSorted([...this.records.keys()].filter((id) => {
      const r = this.live(id, now);
      return r !== undefined && (includeSoftDeleted || !r.softDeleted);
    }));
  }
}

export function runOnlineStoreContract(options: OnlineStoreContractOptions): void {
  const skipped = new Map((options.skip ?? []).map((s) => [s.test, s.reason]));

  describe(options.name, () => {
    let fixture: OnlineStoreFixture | undefined;
    let store: OnlineStore;
    /** Ahead of the wall clock (see the module comment), fixed per test. */
    let future: number;

    beforeEach(async () => {
      fixture = await options.create();
      store = fixture.store;
      future = Math.ceil((Date.now() + 3_600_000) / 1000) * 1000;
    });
    afterEach(async () => {
      const done = fixture;
      fixture = undefined;
      await done?.cleanup();
    });

    function test(title: OnlineStoreContractTest, fn: () => Promise<void>): void {
      const reason = skipped.get(title);
      if (reason === undefined) it(title, fn);
      else it.skip(`${title} (skipped: ${reason})`, fn);
    }

    test(TESTS.roundTrip, async () => {
      const flags = await store.writeBatch(G, [w('a', 10, { x: '1', y: '2' }), w('b', 20)], NOW);
      expect(flags).toBeInstanceOf(Uint8Array);
      expect([...flags]).toEqual([1, 1]);
      const got = await store.readBatch(G, ['b', 'missing', 'a', 'b'], NOW);
      expect(got).toHaveLength(4);
      expect(got).toStrictEqual([rec('b', 20), undefined, rec('a', 10, { x: '1', y: '2' }), rec('b', 20)]);
      expect(1 in got).toBe(true); // a real undefined, not a hole that map() and forEach() would skip
      expect(await store.readBatch(G, [], NOW)).toEqual([]);
      expect([...(await store.writeBatch(G, [], NOW))]).toEqual([]);
    });

    test(TESTS.values, async () => {
      const values = {
        empty: '',
        unicode: 'ключ 特征 🧪 e\u0301',
        quotes: `"'\\/`,
        control: 'a\u0000b\nc\td\u001f',
        json: '{"not":"parsed"}',
        number: '1e309',
        spaces: '  ',
      };
      await store.writeBatch(G, [w('all', 1, values), w('none', 1, {})], NOW);
      const [all, none] = await store.readBatch(G, ['all', 'none'], NOW);
      expect(all!.values).toStrictEqual(values);
      expect(none).toStrictEqual(rec('none', 1, {}));
    });

    test(TESTS.tie, async () => {
      await store.writeBatch(G, [w('r', 100, { v: 'first' })], NOW);
      expect([...(await store.writeBatch(G, [w('r', 100, { v: 'tie' })], NOW))]).toEqual([1]);
      expect(await store.readBatch(G, ['r'], NOW)).toStrictEqual([rec('r', 100, { v: 'tie' })]);
      expect([...(await store.writeBatch(G, [w('r', 99, { v: 'older' })], NOW))]).toEqual([0]);
      expect(await store.readBatch(G, ['r'], NOW)).toStrictEqual([rec('r', 100, { v: 'tie' })]);
      expect([...(await store.writeBatch(G, [w('r', 101, { v: 'newer' }, future)], NOW))]).toEqual([1]);
      expect(await store.readBatch(G, ['r'], NOW)).toStrictEqual([rec('r', 101, { v: 'newer' }, future)]);
    });

    test(TESTS.order, async () => {
      const flags = await store.writeBatch(G, [w('a', 5, { v: 'a5' }), w('a', 3), w('a', 5, { v: 'a5 again' }), w('b', 1), w('a', 4), w('b', 2, { v: 'b2' })], NOW);
      expect([...flags]).toEqual([1, 0, 1, 1, 0, 1]);
      expect(await store.readBatch(G, ['a', 'b'], NOW)).toStrictEqual([rec('a', 5, { v: 'a5 again' }), rec('b', 2, { v: 'b2' })]);

      // Long enough to span an adapter's internal chunks, with repeats inside each and some stale rows.
      const writes: OnlineWrite[] = [];
      for (let i = 0; i < 1200; i++) writes.push(w(`k${i % 150}`, 1000 + ((i * 37) % 11), { i: String(i) }));
      const model = new ReferenceStore();
      const expected = writes.map((x) => model.write(x, NOW));
      expect([...(await store.writeBatch(G, writes, NOW))]).toEqual(expected);
      const ids = Array.from({ length: 150 }, (_, i) => `k${i}`);
      expect(await store.readBatch(G, ids, NOW)).toStrictEqual(ids.map((id) => model.read(id, NOW)));
    });

    test(TESTS.fractional, async () => {
      await store.writeBatch(G, [w('f', 1000.25)], NOW);
      expect([...(await store.writeBatch(G, [w('f', 1000.125)], NOW))]).toEqual([0]);
      expect([...(await store.writeBatch(G, [w('f', 1000.5, { v: 'later' })], NOW))]).toEqual([1]);
      expect(await store.readBatch(G, ['f'], NOW)).toStrictEqual([rec('f', 1000.5, { v: 'later' })]);
      expect(await store.softDelete(G, 'f', 1000.5, NOW)).toBe('stale');
      expect(await store.softDelete(G, 'f', 1000.75, NOW)).toBe('deleted');
      expect([...(await store.writeBatch(G, [w('f', 1000.625)], NOW))]).toEqual([0]);
    });

    test(TESTS.softDelete, async () => {
      expect(await store.softDelete(G, 'nobody', 50, NOW)).toBe('absent');
      // Nothing was stored for the absent id: an older write still applies.
      expect([...(await store.writeBatch(G, [w('nobody', 1)], NOW))]).toEqual([1]);

      await store.writeBatch(G, [w('r', 100, { v: 'kept' })], NOW);
      expect(await store.softDelete(G, 'r', 100, NOW)).toBe('stale');
      expect(await store.softDelete(G, 'r', 99, NOW)).toBe('stale');
      expect(await store.readBatch(G, ['r'], NOW)).toStrictEqual([rec('r', 100, { v: 'kept' })]);

      expect(await store.softDelete(G, 'r', 101, NOW)).toBe('deleted');
      expect(await store.readBatch(G, ['r', 'nobody'], NOW)).toStrictEqual([undefined, rec('nobody', 1)]);
      expect((await listAll(store, G, NOW, true)).ids).toEqual(['nobody', 'r']);
      expect((await listAll(store, G, NOW, false)).ids).toEqual(['nobody']);
    });

    test(TESTS.revive, async () => {
      await store.writeBatch(G, [w('r', 100)], NOW);
      expect(await store.softDelete(G, 'r', 200, NOW)).toBe('deleted');
      expect([...(await store.writeBatch(G, [w('r', 150)], NOW))]).toEqual([0]);
      expect(await store.readBatch(G, ['r'], NOW)).toStrictEqual([undefined]);
      expect([...(await store.writeBatch(G, [w('r', 200, { v: 'revived' })], NOW))]).toEqual([1]);
      expect(await store.readBatch(G, ['r'], NOW)).toStrictEqual([rec('r', 200, { v: 'revived' })]);
      expect((await listAll(store, G, NOW, false)).ids).toEqual(['r']);

      await store.softDelete(G, 'r', 300, NOW);
      expect([...(await store.writeBatch(G, [w('r', 301, { v: 'later' })], NOW))]).toEqual([1]);
      expect(await store.readBatch(G, ['r'], NOW)).toStrictEqual([rec('r', 301, { v: 'later' })]);
    });

    test(TESTS.softTwice, async () => {
      await store.writeBatch(G, [w('r', 100)], NOW);
      expect(await store.softDelete(G, 'r', 200, NOW)).toBe('deleted');
      expect(await store.softDelete(G, 'r', 200, NOW)).toBe('stale');
      expect(await store.softDelete(G, 'r', 150, NOW)).toBe('stale');
      expect(await store.softDelete(G, 'r', 300, NOW)).toBe('deleted');
      expect(await store.readBatch(G, ['r'], NOW)).toStrictEqual([undefined]);
      expect((await listAll(store, G, NOW, true)).ids).toEqual(['r']);
      // The newer delete time is what writes now compare against.
      expect([...(await store.writeBatch(G, [w('r', 250)], NOW))]).toEqual([0]);
      expect([...(await store.writeBatch(G, [w('r', 300)], NOW))]).toEqual([1]);
    });

    test(TESTS.hardDelete, async () => {
      expect(await store.hardDelete(G, 'nobody', 50, NOW)).toBe('absent');
      await store.writeBatch(G, [w('r', 100, { v: 'kept' })], NOW);
      expect(await store.hardDelete(G, 'r', 100, NOW)).toBe('stale');
      expect(await store.hardDelete(G, 'r', 10, NOW)).toBe('stale');
      expect(await store.readBatch(G, ['r'], NOW)).toStrictEqual([rec('r', 100, { v: 'kept' })]);

      expect(await store.hardDelete(G, 'r', 101, NOW)).toBe('deleted');
      expect(await store.readBatch(G, ['r'], NOW)).toStrictEqual([undefined]);
      expect((await listAll(store, G, NOW, true)).ids).toEqual([]);
      expect(await store.hardDelete(G, 'r', 500, NOW)).toBe('absent');
      expect(await store.softDelete(G, 'r', 500, NOW)).toBe('absent');
      // Gone entirely: any write applies again.
      expect([...(await store.writeBatch(G, [w('r', 1)], NOW))]).toEqual([1]);
      expect(await store.readBatch(G, ['r'], NOW)).toStrictEqual([rec('r', 1)]);
    });

    test(TESTS.hardAfterSoft, async () => {
      await store.writeBatch(G, [w('r', 100)], NOW);
      await store.softDelete(G, 'r', 200, NOW);
      expect(await store.hardDelete(G, 'r', 200, NOW)).toBe('stale');
      expect((await listAll(store, G, NOW, true)).ids).toEqual(['r']);
      expect(await store.hardDelete(G, 'r', 201, NOW)).toBe('deleted');
      expect((await listAll(store, G, NOW, true)).ids).toEqual([]);
      expect([...(await store.writeBatch(G, [w('r', 1)], NOW))]).toEqual([1]);
    });

    test(TESTS.ttlRead, async () => {
      await store.writeBatch(G, [w('t', 10, { v: 'ttl' }, future + 1000), w('forever', 10)], future);
      expect(await store.readBatch(G, ['t'], future)).toStrictEqual([rec('t', 10, { v: 'ttl' }, future + 1000)]);
      expect(await store.readBatch(G, ['t'], future + 999)).toStrictEqual([rec('t', 10, { v: 'ttl' }, future + 1000)]);
      expect(await store.readBatch(G, ['t', 'forever'], future + 1000)).toStrictEqual([undefined, rec('forever', 10)]);
      expect(await store.readBatch(G, ['t'], future + 5000)).toStrictEqual([undefined]);
    });

    test(TESTS.ttlAbsent, async () => {
      const at = future + 1000;
      await store.writeBatch(G, [w('t', 500, { v: 'old' }, at)], future);
      expect(await store.softDelete(G, 't', 600, at)).toBe('absent');
      expect(await store.hardDelete(G, 't', 600, at)).toBe('absent');
      expect((await listAll(store, G, at, true)).ids).toEqual([]);
      expect((await listAll(store, G, at - 1, true)).ids).toEqual(['t']);
      // Expired counts as absent: an older write applies and is then the live record.
      expect([...(await store.writeBatch(G, [w('t', 1, { v: 'newer write, older time' })], at))]).toEqual([1]);
      expect(await store.readBatch(G, ['t'], at)).toStrictEqual([rec('t', 1, { v: 'newer write, older time' })]);
    });

    test(TESTS.ttlWriteExpired, async () => {
      await store.writeBatch(G, [w('t', 100, { v: 'live' })], future);
      expect([...(await store.writeBatch(G, [w('t', 200, { v: 'dead' }, future - 1), w('u', 1, {}, future)], future))]).toEqual([1, 1]);
      expect(await store.readBatch(G, ['t', 'u'], future)).toStrictEqual([undefined, undefined]);
      expect((await listAll(store, G, future, true)).ids).toEqual([]);
      // It replaced the live record, and being expired it is absent to what follows.
      expect(await store.softDelete(G, 't', 300, future)).toBe('absent');
      expect([...(await store.writeBatch(G, [w('t', 50, { v: 'after' })], future))]).toEqual([1]);
      expect(await store.readBatch(G, ['t'], future)).toStrictEqual([rec('t', 50, { v: 'after' })]);
    });

    test(TESTS.ttlSoftDelete, async () => {
      const at = future + 1000;
      await store.writeBatch(G, [w('t', 100, { v: 'x' }, at)], future);
      expect(await store.softDelete(G, 't', 200, future)).toBe('deleted');
      expect((await listAll(store, G, at - 1, true)).ids).toEqual(['t']);
      expect((await listAll(store, G, at, true)).ids).toEqual([]);
      expect(await store.softDelete(G, 't', 300, at)).toBe('absent');
      // The soft-deleted record expired: a write older than the delete now applies.
      expect([...(await store.writeBatch(G, [w('t', 150)], at))]).toEqual([1]);
    });

    test(TESTS.purge, async () => {
      const at = future + 1000;
      await store.writeBatch(
        G,
        [w('e1', 1, {}, at), w('e2', 1, {}, at - 500), w('keep', 1), w('later', 1, {}, at + 60_000)],
        future,
      );
      await store.writeBatch('other-group', [w('e3', 1, {}, at), w('keep', 1)], future);
      await store.writeBatch(G, [w('soft', 1, {}, at)], future);
      await store.softDelete(G, 'soft', 2, future);

      expect(await store.purgeExpired(future)).toBe(0);
      expect((await listAll(store, G, future, true)).ids).toEqual(['e1', 'e2', 'keep', 'later', 'soft']);

      const removed = await store.purgeExpired(at);
      if (store.capabilities.ttl === 'lazy') expect(removed).toBe(4);
      else expect(removed).toBeGreaterThanOrEqual(0);
      if (removed === 4) {
        // Physically gone: not even a reader with an earlier clock finds them.
        expect(await store.readBatch(G, ['e1', 'e2'], future)).toStrictEqual([undefined, undefined]);
        expect((await listAll(store, 'other-group', future)).ids).toEqual(['keep']);
      }
      expect(await store.readBatch(G, ['e1', 'e2', 'keep', 'later'], at)).toStrictEqual([undefined, undefined, rec('keep', 1), rec('later', 1, {}, at + 60_000)]);
      expect((await listAll(store, G, at, true)).ids).toEqual(['keep', 'later']);
      expect(await store.purgeExpired(at)).toBe(0);
    });

    test(TESTS.list, async () => {
      const ids = Array.from({ length: 250 }, (_, i) => `rec-${String(i).padStart(3, '0')}`);
      const shuffled = [...ids].sort((a, b) => ((a.charCodeAt(6) * 31 + a.charCodeAt(5)) % 7) - ((b.charCodeAt(6) * 31 + b.charCodeAt(5)) % 7));
      await store.writeBatch(G, shuffled.map((id) => w(id, 1)), NOW);

      const first = await store.listRecords(G, { maxResults: 100, includeSoftDeleted: false }, NOW);
      expect(first.recordIds).toEqual(ids.slice(0, 100));
      expect(typeof first.nextToken).toBe('string');
      const second = await store.listRecords(G, { maxResults: 100, includeSoftDeleted: false, nextToken: first.nextToken! }, NOW);
      expect(second.recordIds).toEqual(ids.slice(100, 200));
      const third = await store.listRecords(G, { maxResults: 100, includeSoftDeleted: false, nextToken: second.nextToken! }, NOW);
      expect(third.recordIds).toEqual(ids.slice(200));
      expect(third.nextToken).toBeUndefined();

      // A token stays valid: a page resumes after its last id even when records changed meanwhile.
      await store.writeBatch(G, [w('rec-099a', 1), w('rec-000', 2)], NOW);
      const again = await store.listRecords(G, { maxResults: 2, includeSoftDeleted: false, nextToken: first.nextToken! }, NOW);
      expect(again.recordIds).toEqual(['rec-099a', 'rec-100']);

      const exact = await listAll(store, G, NOW, false, 251);
      expect(exact.pages).toEqual([251]);
      expect((await listAll(store, G, NOW, false, 1)).ids).toEqual(byteSorted([...ids, 'rec-099a']));
    });

    test(TESTS.listFilter, async () => {
      const ids = Array.from({ length: 250 }, (_, i) => `id${String(i).padStart(3, '0')}`);
      await store.writeBatch(G, ids.map((id, i) => w(id, 10, { i: String(i) }, i % 50 === 7 ? future + 1000 : null)), NOW);
      const soft = ids.filter((_, i) => i % 25 === 0);
      const hard = ids.filter((_, i) => i % 25 === 1);
      for (const id of soft) expect(await store.softDelete(G, id, 20, NOW)).toBe('deleted');
      for (const id of hard) expect(await store.hardDelete(G, id, 20, NOW)).toBe('deleted');
      const expired = ids.filter((_, i) => i % 50 === 7);

      const visible = await listAll(store, G, NOW);
      expect(visible.ids).toEqual(ids.filter((id) => !soft.includes(id) && !hard.includes(id)));
      expect(visible.pages).toEqual([100, 100, 30]);
      const withSoft = await listAll(store, G, NOW, true);
      expect(withSoft.ids).toEqual(ids.filter((id) => !hard.includes(id)));
      expect(withSoft.pages).toEqual([100, 100, 40]);

      const later = await listAll(store, G, future + 1000, true);
      expect(later.ids).toEqual(ids.filter((id) => !hard.includes(id) && !expired.includes(id)));
      expect(new Set(later.ids).size).toBe(later.ids.length);
    });

    test(TESTS.listEdge, async () => {
      expect(await store.listRecords('never-written', { maxResults: 100, includeSoftDeleted: true }, NOW)).toEqual({ recordIds: [] });
      await store.writeBatch(G, [w('a', 1), w('b', 1)], NOW);
      expect(await store.listRecords(G, { maxResults: 2, includeSoftDeleted: false }, NOW)).toEqual({ recordIds: ['a', 'b'] });
      expect(await rejectionCode(store.listRecords(G, { maxResults: 10, includeSoftDeleted: false, nextToken: 'not-a-token!' }, NOW))).toBe('VALIDATION_FAILED');
      expect(await rejectionCode(store.listRecords(G, { maxResults: 0, includeSoftDeleted: false }, NOW))).toBe('VALIDATION_FAILED');
    });

    test(TESTS.dropGroup, async () => {
      const groups = ['users', 'users-v2', 'users_v2', 'user'];
      for (const g of groups) await store.writeBatch(g, [w('a', 1, { g }), w('b', 1, { g })], NOW);
      await store.writeBatch('users', [w('c', 1, {}, future + 1000)], NOW);
      await store.softDelete('users', 'b', 2, NOW);

      await store.dropGroup('users');
      expect(await store.readBatch('users', ['a', 'b', 'c'], NOW)).toStrictEqual([undefined, undefined, undefined]);
      expect((await listAll(store, 'users', NOW, true)).ids).toEqual([]);
      for (const g of groups.slice(1)) {
        expect(await store.readBatch(g, ['a', 'b'], NOW)).toStrictEqual([rec('a', 1, { g }), rec('b', 1, { g })]);
        expect((await listAll(store, g, NOW, true)).ids).toEqual(['a', 'b']);
      }
      await store.dropGroup('users');
      await store.dropGroup('never-written');
      // The dropped group starts afresh: an old event time applies.
      expect([...(await store.writeBatch('users', [w('a', 0, { v: 'new' })], NOW))]).toEqual([1]);
      expect((await listAll(store, 'users', NOW, true)).ids).toEqual(['a']);
    });

    test(TESTS.groups, async () => {
      await store.writeBatch('g-one', [w('same', 1, { g: 'one' })], NOW);
      await store.writeBatch('g_two', [w('same', 5, { g: 'two' })], NOW);
      expect([...(await store.writeBatch('g-one', [w('same', 2, { g: 'one again' })], NOW))]).toEqual([1]);
      expect(await store.hardDelete('g_two', 'same', 6, NOW)).toBe('deleted');
      expect(await store.readBatch('g-one', ['same'], NOW)).toStrictEqual([rec('same', 2, { g: 'one again' })]);
      expect(await store.readBatch('g_two', ['same'], NOW)).toStrictEqual([undefined]);
    });

    test(TESTS.oddIds, async () => {
      const ids = [
        'a:b', 'a b', ' lead', 'trail ', 'ключ', '特征存储', '🧪🚀', 'e\u0301', '*', '?', '[a-z]', '\\', 'quote"s', "it's",
        'new\nline', 'tab\t', 'nul\u0000byte', '-', '+', '(', '(x', '[', 'null', ',', '|', '{}', '[1,2]', '%', '%s', 'a:r:b', ':ids', 'fg:users:r:x', '💡'.repeat(3),
      ];
      const flags = await store.writeBatch(G, ids.map((id, i) => w(id, i, { id })), NOW);
      expect([...flags]).toEqual(ids.map(() => 1));
      expect(await store.readBatch(G, ids, NOW)).toStrictEqual(ids.map((id, i) => rec(id, i, { id })));
      expect(await store.readBatch(G, ['a', 'a:', 'a:b:', '*a'], NOW)).toStrictEqual([undefined, undefined, undefined, undefined]);
      const sorted = byteSorted(ids);
      expect((await listAll(store, G, NOW, true, 3)).ids).toEqual(sorted);

      expect(await store.softDelete(G, '*', 100, NOW)).toBe('deleted');
      expect(await store.hardDelete(G, '(', 100, NOW)).toBe('deleted');
      expect((await listAll(store, G, NOW, false, 4)).ids).toEqual(sorted.filter((id) => id !== '*' && id !== '('));
      expect((await listAll(store, G, NOW, true, 4)).ids).toEqual(sorted.filter((id) => id !== '('));
    });

    test(TESTS.longIds, async () => {
      const ascii = 'x'.repeat(2047);
      const ids = [`${ascii}a`, `${ascii}b`, '特'.repeat(682), `${'特'.repeat(681)}徴`];
      for (const id of ids) expect(Buffer.byteLength(id)).toBeLessThanOrEqual(2048);
      await store.writeBatch(G, ids.map((id, i) => w(id, 10 + i, { n: String(i) })), NOW);
      expect(await store.readBatch(G, ids, NOW)).toStrictEqual(ids.map((id, i) => rec(id, 10 + i, { n: String(i) })));
      const listed = await listAll(store, G, NOW, true, 1);
      expect(listed.ids).toEqual(byteSorted(ids));
      expect(listed.pages).toEqual([1, 1, 1, 1]);
      expect(await store.softDelete(G, ids[0]!, 100, NOW)).toBe('deleted');
      expect(await store.hardDelete(G, ids[2]!, 100, NOW)).toBe('deleted');
      expect(await store.readBatch(G, ids, NOW)).toStrictEqual([undefined, rec(ids[1]!, 11, { n: '1' }), undefined, rec(ids[3]!, 13, { n: '3' })]);
    });

    test(TESTS.bigBatch, async () => {
      const n = 10_000;
      const ids = Array.from({ length: n }, (_, i) => `user-${String(i).padStart(6, '0')}`);
      const values = (i: number, t: number) => ({ id: ids[i]!, a: String(i), b: String(i * 0.5), c: 'FR', d: 'pro', e: String(t), f: '', g: 'ok' });
      const first = ids.map((id, i) => w(id, 1000, values(i, 1000)));
      expect([...(await store.writeBatch(G, first, NOW))]).toEqual(Array(n).fill(1));
      expect(await store.readBatch(G, ids, NOW)).toStrictEqual(ids.map((id, i) => rec(id, 1000, values(i, 1000))));

      expect([...(await store.writeBatch(G, ids.map((id, i) => w(id, 999, values(i, 999))), NOW))]).toEqual(Array(n).fill(0));

      // Every 7th row older (stale), every 3rd equal (applies), the rest newer.
      const mixed = ids.map((id, i) => {
        const t = i % 7 === 0 ? 999 : i % 3 === 0 ? 1000 : 1001;
        return w(id, t, values(i, t));
      });
      const flags = await store.writeBatch(G, mixed, NOW);
      expect([...flags]).toEqual(mixed.map((x) => (x.eventTimeMs === 999 ? 0 : 1)));
      const read = await store.readBatch(G, ids, NOW);
      expect(read).toStrictEqual(ids.map((id, i) => (i % 7 === 0 ? rec(id, 1000, values(i, 1000)) : rec(id, mixed[i]!.eventTimeMs, values(i, mixed[i]!.eventTimeMs)))));
      const listed = await listAll(store, G, NOW, false, 1000);
      expect(listed.ids).toEqual(ids);
      expect(listed.pages).toEqual(Array(10).fill(1000));
    });

    test(TESTS.model, async () => {
      const random = prng(20240607);
      const model = new ReferenceStore();
      const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'];
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
      let now = future;
      for (let step = 0; step < 120; step++) {
        const action = random();
        if (action < 0.5) {
          const writes: OnlineWrite[] = [];
          const size = 1 + Math.floor(random() * (random() < 0.2 ? 600 : 12));
          for (let i = 0; i < size; i++) {
            const expiry = random();
            const expiresAtMs = expiry < 0.6 ? null : now + Math.floor((expiry - 0.7) * 20) * 100;
            writes.push(w(pick(ids), Math.floor(random() * 8) * 10, { s: String(step), i: String(i) }, expiresAtMs));
          }
          const expected = writes.map((x) => model.write(x, now));
          expect([...(await store.writeBatch(G, writes, now))], `step ${step}: writeBatch`).toEqual(expected);
        } else if (action < 0.75) {
          const id = pick(ids);
          const t = Math.floor(random() * 8) * 10;
          const hard = random() < 0.4;
          const outcome = hard ? await store.hardDelete(G, id, t, now) : await store.softDelete(G, id, t, now);
          expect(outcome, `step ${step}: ${hard ? 'hard' : 'soft'}Delete ${id} @${t}`).toBe(model.delete(id, t, now, hard));
        } else if (action < 0.9) {
          now += Math.floor(random() * 4) * 100;
        } else {
          const include = random() < 0.5;
          expect((await listAll(store, G, now, include, 1 + Math.floor(random() * 5))).ids, `step ${step}: listRecords`).toEqual(model.list(now, include));
        }
        expect(await store.readBatch(G, ids, now), `step ${step}: readBatch`).toStrictEqual(ids.map((id) => model.read(id, now)));
      }
    });

    test(TESTS.invalid, async () => {
      expect(await rejectionCode(store.writeBatch(G, [w('ok', 1), w('bad', Number.NaN)], NOW))).toBe('VALIDATION_FAILED');
      expect(await rejectionCode(store.writeBatch(G, [w('ok', 1, {}, Number.POSITIVE_INFINITY)], NOW))).toBe('VALIDATION_FAILED');
      expect(await rejectionCode(store.softDelete(G, 'ok', Number.NaN, NOW))).toBe('VALIDATION_FAILED');
      expect(await store.readBatch(G, ['ok', 'bad'], NOW)).toStrictEqual([undefined, undefined]);
    });
  });
}
