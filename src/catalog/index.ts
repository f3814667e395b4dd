/** @module catalog  The catalog port and its adapters, chosen from the workspace config. */
import type { CatalogConfig } from '../config/index.js';
import type { Catalog } from './catalog.js';
import { SqliteCatalog } from './sqlite/index.js';

export type { Catalog, CatalogEntry } from './catalog.js';
export { SqliteCatalog, type SqliteCatalogOptions } from './sqlite/index.js';
export type { PostgresCatalog, PostgresCatalogOptions } from './postgres/index.js';

/** Opens the configured catalog; `pg` is loaded only when a postgres:// catalog is configured. */
export async function openCatalog(config: CatalogConfig): Promise<Catalog> {
  if (config.type === 'sqlite') return SqliteCatalog.open(config.path);
  const { PostgresCatalog } = await import('./postgres/index.js');
  return PostgresCatalog.open({ url: config.url, schema: config.schema });
}
