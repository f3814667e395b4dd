/**
 * @module catalog/postgres/postgres-catalog.test
 * The catalog contract on PostgreSQL (DATABASE_URL; skipped visibly without it), each run in its own schema.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { serviceUrl, uniqueTestName } from '../../../test/helpers/services.js';
import { isPlatformError } from '../../core/errors.js';
import { runCatalogContract } from '../catalog.contract.js';
import { PostgresCatalog } from './postgres-catalog.js';

const url = serviceUrl('postgres');

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

(url ? describe : describe.skip)('PostgresCatalog', () => {
  runCatalogContract({
    name: 'PostgresCatalog',
    create: async () => {
      const schema = uniqueTestName('pl_catalog');
      const catalog = await PostgresCatalog.open({ url: url!, schema });
      const cleanup = async () => {
        await catalog.close();
        await admin((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
      };
      return { catalog, reopen: () => PostgresCatalog.open({ url: url!, schema }), cleanup };
    },
  });

  it('keeps everything inside its schema, apart from other schemas', async () => {
    const [a, b] = [uniqueTestName('pl_catalog'), uniqueTestName('pl_catalog')];
    await withCatalogs([a, b], async ([ca, cb]) => {
      await ca!.create('feature-group', 'users', { in: 'a' }, 1);
      expect(await cb!.get('feature-group', 'users')).toBeUndefined();
      const tables = await admin((c) =>
        c.query<{ table_schema: string; table_name: string }>(
          'SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema = ANY($1) ORDER BY table_schema',
          [[a, b]],
        ),
      );
      expect(tables.rows).toEqual([a, b].sort().map((s) => ({ table_schema: s, table_name: 'resources' })));
      // Names must sort by code point whatever the database locale; the test database may itself be C-collated,
      // so look at the columns rather than at an ORDER BY.
      const collations = await admin((c) =>
        c.query<{ column_name: string; collation_name: string | null }>(
          "SELECT column_name, collation_name FROM information_schema.columns WHERE table_schema = $1 AND column_name IN ('kind', 'name') ORDER BY column_name",
          [a],
        ),
      );
      expect(collations.rows).toEqual([
        { column_name: 'kind', collation_name: 'C' },
        { column_name: 'name', collation_name: 'C' },
      ]);
    });
  });

  it('opens the same fresh schema from several pools at once', async () => {
    const schema = uniqueTestName('pl_catalog');
    await withCatalogs([schema, schema, schema, schema], async (catalogs) => {
      await catalogs[0]!.create('k', 'n', {}, 1);
      expect(await catalogs[3]!.get('k', 'n')).toBeDefined();
    });
  });
});

/** Opens one catalog per schema, all at once; closes them and drops the schemas afterwards, even when an open failed. */
async function withCatalogs(schemas: string[], fn: (catalogs: PostgresCatalog[]) => Promise<void>): Promise<void> {
  const opened = await Promise.allSettled(schemas.map((schema) => PostgresCatalog.open({ url: url!, schema })));
  try {
    const catalogs = opened.map((r) => {
      if (r.status === 'rejected') throw r.reason;
      return r.value;
    });
    await fn(catalogs);
  } finally {
    await Promise.all(opened.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    await admin((c) => c.query([...new Set(schemas)].map((s) => `DROP SCHEMA IF EXISTS "${s}" CASCADE`).join('; ')));
  }
}

describe('PostgresCatalog without a server', () => {
  it('reports a refused connection as STORE_UNAVAILABLE naming the store, the operation and the host', async () => {
    const error: unknown = await PostgresCatalog.open({ url: 'postgres://someone:secret@127.0.0.1:1/test', schema: 'x', connectTimeoutMs: 2000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isPlatformError(error) && error.code).toBe('STORE_UNAVAILABLE');
    const message = (error as Error).message;
    expect(message).toMatch(/^postgres catalog open postgres:\/\/127\.0\.0\.1:1\/test schema "x" failed: .+/);
    expect(message).not.toContain('secret');
  });
});
