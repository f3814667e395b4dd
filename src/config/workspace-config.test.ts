import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkspaceConfig } from './workspace-config.js';

describe('workspace config', () => {
  const home = () => mkdtempSync(join(tmpdir(), 'plumbline-cfg-'));

  it('is all embedded without a config file', () => {
    const h = home();
    const c = loadWorkspaceConfig({ home: h, env: {} });
    expect(c.catalog).toEqual({ type: 'sqlite', path: join(h, 'catalog.db') });
    expect(c.onlineStore).toEqual({ type: 'sqlite', path: join(h, 'online-store.db') });
    expect(c.objectStore).toEqual({ type: 'file', root: join(h, 'objects') });
  });

  it('reads backend URLs from config.json, overridden by the environment', () => {
    const h = home();
    writeFileSync(
      join(h, 'config.json'),
      JSON.stringify({ catalog: 'postgres://u@db:5432/x?schema=team_a', onlineStore: 'redis://r:6379/2?prefix=t1', objectStore: 's3://bucket/some/prefix/', s3: { endpoint: 'http://127.0.0.1:9000' } }),
    );
    const c = loadWorkspaceConfig({ home: h, env: {} });
    expect(c.catalog).toEqual({ type: 'postgres', url: 'postgres://u@db:5432/x', schema: 'team_a' });
    expect(c.onlineStore).toEqual({ type: 'redis', url: 'redis://r:6379/2', keyPrefix: 't1' });
    expect(c.objectStore).toMatchObject({ type: 's3', bucket: 'bucket', prefix: 'some/prefix', s3: { endpoint: 'http://127.0.0.1:9000', forcePathStyle: true } });
    const e = loadWorkspaceConfig({ home: h, env: { PLUMBLINE_ONLINE_STORE_URL: 'sqlite:' } });
    expect(e.onlineStore.type).toBe('sqlite');
  });

  it('uses PLUMBLINE_HOME when no home is given', () => {
    const h = home();
    expect(loadWorkspaceConfig({ env: { PLUMBLINE_HOME: h } }).home).toBe(h);
  });

  it('names the field and value of a bad config', () => {
    const h = home();
    writeFileSync(join(h, 'config.json'), JSON.stringify({ catalog: 'mysql://x' }));
    expect(() => loadWorkspaceConfig({ home: h, env: {} })).toThrow(/catalog: got "mysql:\/\/x", expected sqlite: or postgres:/);
    writeFileSync(join(h, 'config.json'), JSON.stringify({ catalogue: 'sqlite:' }));
    expect(() => loadWorkspaceConfig({ home: h, env: {} })).toThrow(/config.json/);
    writeFileSync(join(h, 'config.json'), '{ nope');
    expect(() => loadWorkspaceConfig({ home: h, env: {} })).toThrow(/is not valid JSON/);
  });
});
