/** @module catalog/index.test  openCatalog picks the adapter from the config. */
import { describe, expect, it } from 'vitest';
import { isPlatformError } from '../core/errors.js';
import { openCatalog, SqliteCatalog } from './index.js';

describe('openCatalog', () => {
  it('opens SQLite for a sqlite config', async () => {
    const catalog = await openCatalog({ type: 'sqlite', path: ':memory:' });
    try {
      expect(catalog).toBeInstanceOf(SqliteCatalog);
      await catalog.create('k', 'n', { ok: true }, 1);
      expect((await catalog.get('k', 'n'))?.doc).toEqual({ ok: true });
    } finally {
      await catalog.close();
    }
  });

  it('loads the postgres adapter for a postgres config and wraps its connection failure', async () => {
    const error: unknown = await openCatalog({ type: 'postgres', url: 'postgres://127.0.0.1:1/test', schema: 'plumbline' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isPlatformError(error) && error.code).toBe('STORE_UNAVAILABLE');
    expect((error as Error).message).toContain('postgres catalog open');
  });
});
