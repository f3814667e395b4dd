/**
 * @module catalog/catalog.contract
 * The behaviour every Catalog adapter must show, as a vitest suite. An adapter's test calls
 * `runCatalogContract` with a factory that opens a fresh, empty catalog on its own storage.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPlatformError, type ErrorCode, type PlatformError } from '../core/errors.js';
import type { Catalog, CatalogEntry } from './catalog.js';

export interface CatalogFixture {
  catalog: Catalog;
  /**
   * Opens another catalog on the same storage (a new connection, as a second process would). Absent when the
   * storage lives and dies with one instance (SQLite ':memory:'); the contract then needs the reopen test skipped.
   */
  reopen?: () => Promise<Catalog>;
  /** Closes `catalog` (it may already be closed) and deletes the storage. Catalogs from `reopen` are closed by the suite. */
  cleanup: () => Promise<void>;
}

const TESTS = {
  roundTrip: 'create then get round-trips nested JSON exactly',
  duplicate: 'create of a taken (kind, name) is ALREADY_EXISTS; the same name in another kind is fine',
  update: 'update bumps version and updatedAt and keeps createdAt',
  stale: 'update with a stale expectedVersion is CONFLICT and leaves the entry unchanged',
  missing: 'update of a missing entry is NOT_FOUND',
  delete: 'delete returns true, then false',
  list: 'list returns one kind, sorted by name',
  invalid: 'rejects a document JSON cannot hold and a fractional timestamp',
  racingCreates: 'concurrent creates of one name: exactly one wins',
  racingUpdates: 'concurrent updates from one version: exactly one wins',
  reopen: 'data survives close and reopen',
} as const;

export type CatalogContractTest = (typeof TESTS)[keyof typeof TESTS];

export interface CatalogContractOptions {
  name: string;
  create: () => Promise<CatalogFixture>;
  skip?: { test: CatalogContractTest; reason: string }[];
}

const T0 = 1_700_000_000_000;

const NESTED = {
  zeta: 'first key on purpose',
  alpha: { 'ключ': 'значение', emoji: '🧪🚀', cjk: '特征存储', combining: 'e\u0301', nul: 'a\u0000b', loneSurrogate: '\ud800', quote: `"'\\` },
  numbers: { int: 42, negative: -7, float: 0.1, tiny: 5e-324, big: Number.MAX_SAFE_INTEGER, exp: 1.5e300, zero: 0 },
  nulls: { value: null, list: [null, 1, null] },
  flags: [true, false],
  empty: { obj: {}, arr: [], str: '' },
  deep: { a: { b: { c: { d: [{ e: [1, [2, [3]]] }] } } } },
};

export function runCatalogContract(options: CatalogContractOptions): void {
  const skipped = new Map((options.skip ?? []).map((s) => [s.test, s.reason]));

  describe(options.name, () => {
    let fixture: CatalogFixture | undefined;
    let catalog: Catalog;

    beforeEach(async () => {
      fixture = await options.create();
      catalog = fixture.catalog;
    });
    afterEach(async () => {
      const done = fixture;
      fixture = undefined;
      await done?.cleanup();
    });

    function test(title: CatalogContractTest, fn: () => Promise<void>): void {
      const reason = skipped.get(title);
      if (reason === undefined) it(title, fn);
      else it.skip(`${title} (skipped: ${reason})`, fn);
    }

    test(TESTS.roundTrip, async () => {
      const created = await catalog.create('feature-group', 'o\'brien "quoted" 名前', NESTED, T0);
      expect(created).toEqual({ kind: 'feature-group', name: 'o\'brien "quoted" 名前', doc: NESTED, createdAt: T0, updatedAt: T0, version: 1 });

      const got = await catalog.get<typeof NESTED>('feature-group', 'o\'brien "quoted" 名前');
      expect(got).toEqual(created);
      expect(JSON.stringify(got!.doc)).toBe(JSON.stringify(NESTED));
      expect(await catalog.get('feature-group', 'absent')).toBeUndefined();
      expect(await catalog.get('model', 'o\'brien "quoted" 名前')).toBeUndefined();

      await catalog.create('scalar', 'string', 'just a string', T0);
      await catalog.create('scalar', 'null', null, T0);
      expect((await catalog.get('scalar', 'string'))!.doc).toBe('just a string');
      expect((await catalog.get('scalar', 'null'))!.doc).toBeNull();
    });

    test(TESTS.duplicate, async () => {
      await catalog.create('feature-group', 'users', { v: 'original' }, T0);
      const e = await rejection(catalog.create('feature-group', 'users', { v: 'other' }, T0 + 1), 'ALREADY_EXISTS');
      expect(e.message).toContain('users');
      expect((await catalog.get('feature-group', 'users'))!.doc).toEqual({ v: 'original' });

      const other = await catalog.create('model', 'users', { v: 'model' }, T0 + 2);
      expect(other.version).toBe(1);
      expect((await catalog.get('model', 'users'))!.doc).toEqual({ v: 'model' });
    });

    test(TESTS.update, async () => {
      await catalog.create('feature-group', 'users', { v: 1 }, T0);
      const second = await catalog.update('feature-group', 'users', { v: 2 }, T0 + 10);
      expect(second).toEqual({ kind: 'feature-group', name: 'users', doc: { v: 2 }, createdAt: T0, updatedAt: T0 + 10, version: 2 });
      expect(await catalog.get('feature-group', 'users')).toEqual(second);

      const third = await catalog.update('feature-group', 'users', { v: 3, nested: NESTED }, T0 + 20, 2);
      expect(third).toMatchObject({ createdAt: T0, updatedAt: T0 + 20, version: 3 });
      expect(await catalog.get('feature-group', 'users')).toEqual(third);
    });

    test(TESTS.stale, async () => {
      await catalog.create('feature-group', 'users', { v: 1 }, T0);
      const current = await catalog.update('feature-group', 'users', { v: 2 }, T0 + 10);
      const e = await rejection(catalog.update('feature-group', 'users', { v: 'lost' }, T0 + 20, 1), 'CONFLICT');
      expect(e.message).toContain('users');
      expect(e.details).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
      expect(await catalog.get('feature-group', 'users')).toEqual(current);
    });

    test(TESTS.missing, async () => {
      await catalog.create('model', 'users', { v: 1 }, T0);
      await rejection(catalog.update('feature-group', 'users', { v: 2 }, T0 + 10), 'NOT_FOUND');
      await rejection(catalog.update('feature-group', 'users', { v: 2 }, T0 + 10, 1), 'NOT_FOUND');
      expect(await catalog.get('feature-group', 'users')).toBeUndefined();
    });

    test(TESTS.delete, async () => {
      await catalog.create('feature-group', 'users', { v: 1 }, T0);
      await catalog.create('model', 'users', { v: 1 }, T0);
      expect(await catalog.delete('feature-group', 'users')).toBe(true);
      expect(await catalog.get('feature-group', 'users')).toBeUndefined();
      expect(await catalog.delete('feature-group', 'users')).toBe(false);
      expect(await catalog.get('model', 'users')).toBeDefined();

      const again = await catalog.create('feature-group', 'users', { v: 'new' }, T0 + 5);
      expect(again).toMatchObject({ version: 1, createdAt: T0 + 5 });
    });

    test(TESTS.list, async () => {
      // Code-point order, not locale order: upper case before lower case, '-' before digits before '_'.
      const names = ['b', 'a_1', 'B', 'a10', 'a-1', 'a2', 'a'];
      for (const [i, name] of names.entries()) await catalog.create('feature-group', name, { i }, T0 + i);
      await catalog.create('model', 'aa', {}, T0);
      await catalog.create('feature-groups', 'zz', {}, T0);

      const listed = await catalog.list<{ i: number }>('feature-group');
      expect(listed.map((e) => e.name)).toEqual(['B', 'a', 'a-1', 'a10', 'a2', 'a_1', 'b']);
      expect(listed.every((e) => e.kind === 'feature-group')).toBe(true);
      expect(listed.find((e) => e.name === 'a10')).toEqual(await catalog.get('feature-group', 'a10'));
      expect(await catalog.list('nothing-here')).toEqual([]);
    });

    test(TESTS.invalid, async () => {
      await rejection(catalog.create('feature-group', 'u', undefined, T0), 'VALIDATION_FAILED');
      await rejection(catalog.create('feature-group', 'big', { n: 1n }, T0), 'VALIDATION_FAILED');
      await rejection(catalog.create('feature-group', 'f', {}, T0 + 0.5), 'VALIDATION_FAILED');
      expect(await catalog.list('feature-group')).toEqual([]);
      await catalog.create('feature-group', 'ok', {}, T0);
      await rejection(catalog.update('feature-group', 'ok', undefined, T0 + 1), 'VALIDATION_FAILED');
      expect((await catalog.get('feature-group', 'ok'))!.version).toBe(1);
    });

    test(TESTS.racingCreates, async () => {
      await withPeers(fixture!, async (catalogs) => {
        const attempts = Array.from({ length: 8 }, (_, i) => catalogs[i % catalogs.length]!.create('feature-group', 'users', { by: i }, T0 + i));
        const results = await Promise.allSettled(attempts);
        const winners = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        const losers = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
        expect(winners).toHaveLength(1);
        expect(losers.map(codeOf)).toEqual(Array(7).fill('ALREADY_EXISTS'));
        expect(await catalog.get('feature-group', 'users')).toEqual(winners[0]);
      });
    });

    test(TESTS.racingUpdates, async () => {
      await catalog.create('feature-group', 'users', { v: 0 }, T0);
      await withPeers(fixture!, async (catalogs) => {
        const attempts = Array.from({ length: 8 }, (_, i) => catalogs[i % catalogs.length]!.update('feature-group', 'users', { v: i + 1 }, T0 + i + 1, 1));
        const results = await Promise.allSettled(attempts);
        const winners = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        const losers = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
        expect(winners).toHaveLength(1);
        expect(winners[0]!.version).toBe(2);
        expect(losers.map(codeOf)).toEqual(Array(7).fill('CONFLICT'));
        expect(await catalog.get('feature-group', 'users')).toEqual(winners[0]);
      });
    });

    test(TESTS.reopen, async () => {
      if (!fixture!.reopen) throw new Error(`${options.name}: the fixture has no reopen(); skip "${TESTS.reopen}" with a reason instead`);
      await catalog.create('feature-group', 'users', NESTED, T0);
      const updated = await catalog.update('feature-group', 'users', { v: 2 }, T0 + 10, 1);
      await catalog.create('model', 'm', { v: 1 }, T0);
      await catalog.create('model', 'gone', { v: 1 }, T0);
      await catalog.delete('model', 'gone');
      await catalog.close();

      const reopened = await fixture!.reopen();
      try {
        expect(await reopened.get('feature-group', 'users')).toEqual(updated);
        expect((await reopened.list('model')).map((e) => e.name)).toEqual(['m']);
        await rejection(reopened.create('model', 'm', {}, T0), 'ALREADY_EXISTS');
        expect((await reopened.update('feature-group', 'users', { v: 3 }, T0 + 20, 2)).version).toBe(3);
      } finally {
        await reopened.close();
      }
    });
  });
}

/** Runs `fn` with the fixture's catalog plus, when the storage can be shared, a second connection to it. */
async function withPeers(fixture: CatalogFixture, fn: (catalogs: Catalog[]) => Promise<void>): Promise<void> {
  const peer = fixture.reopen ? await fixture.reopen() : undefined;
  try {
    await fn(peer ? [fixture.catalog, peer] : [fixture.catalog]);
  } finally {
    await peer?.close();
  }
}

function codeOf(e: unknown): string {
  return isPlatformError(e) ? e.code : `not a PlatformError: ${String(e)}`;
}

async function rejection(promise: Promise<CatalogEntry<unknown>>, code: ErrorCode): Promise<PlatformError> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`expected ${code}, but the call succeeded`);
  if (!isPlatformError(error)) throw error;
  expect(error.code, error.message).toBe(code);
  return error;
}
