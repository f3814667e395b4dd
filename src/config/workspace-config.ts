/**
 * @module config/workspace-config
 * The workspace: a folder (default `./.plumbline`, or `PLUMBLINE_HOME`, or `--home`) holding `config.json`,
 * which names each backend by URL. With no config file everything is embedded (SQLite + local files).
 *
 * ```json
 * { "catalog": "postgres://127.0.0.1:5432/test",
 *   "onlineStore": "redis://127.0.0.1:6379/0?prefix=team1",
 *   "objectStore": "s3://bucket/prefix",
 *   "s3": { "endpoint": "http://127.0.0.1:4569", "region": "us-east-1", "forcePathStyle": true } }
 * ```
 * Environment variables override the file: PLUMBLINE_CATALOG_URL, PLUMBLINE_ONLINE_STORE_URL,
 * PLUMBLINE_OBJECT_STORE_URL, PLUMBLINE_S3_ENDPOINT.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PlatformError } from '../core/errors.js';

export type CatalogConfig = { type: 'sqlite'; path: string } | { type: 'postgres'; url: string; schema: string };
export type OnlineStoreConfig = { type: 'sqlite'; path: string } | { type: 'redis'; url: string; keyPrefix: string };
export interface S3Options {
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
}
export type ObjectStoreConfig = { type: 'file'; root: string } | { type: 's3'; bucket: string; prefix: string; s3: S3Options; cacheDir: string };

export interface WorkspaceConfig {
  /** Absolute path of the workspace folder. */
  home: string;
  catalog: CatalogConfig;
  onlineStore: OnlineStoreConfig;
  objectStore: ObjectStoreConfig;
  /** Local write-ahead spool for offline-store writes that are acknowledged before they reach Parquet. */
  spoolPath: string;
}

const fileSchema = z
  .object({
    catalog: z.string().optional(),
    onlineStore: z.string().optional(),
    objectStore: z.string().optional(),
    s3: z
      .object({
        endpoint: z.string().optional(),
        region: z.string().optional(),
        forcePathStyle: z.boolean().optional(),
        accessKeyId: z.string().optional(),
        secretAccessKey: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type WorkspaceConfigInput = z.infer<typeof fileSchema>;

export const CONFIG_FILE_NAME = 'config.json';

/** Where the workspace is: explicit option, then PLUMBLINE_HOME, then `./.plumbline`. */
export function resolveHome(home?: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const chosen = home ?? env.PLUMBLINE_HOME ?? '.plumbline';
  return isAbsolute(chosen) ? chosen : resolve(cwd, chosen);
}

/** Reads `<home>/config.json` (if any), applies environment overrides and explicit overrides, and resolves URLs. */
export function loadWorkspaceConfig(options: { home?: string; overrides?: WorkspaceConfigInput; env?: NodeJS.ProcessEnv } = {}): WorkspaceConfig {
  const env = options.env ?? process.env;
  const home = resolveHome(options.home, env);
  const path = join(home, CONFIG_FILE_NAME);
  let fromFile: WorkspaceConfigInput = {};
  if (existsSync(path)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new PlatformError('CONFIG_INVALID', `${path} is not valid JSON: ${(e as Error).message}`);
    }
    fromFile = parseInput(raw, path);
  }
  const fromEnv: WorkspaceConfigInput = {
    ...(env.PLUMBLINE_CATALOG_URL ? { catalog: env.PLUMBLINE_CATALOG_URL } : {}),
    ...(env.PLUMBLINE_ONLINE_STORE_URL ? { onlineStore: env.PLUMBLINE_ONLINE_STORE_URL } : {}),
    ...(env.PLUMBLINE_OBJECT_STORE_URL ? { objectStore: env.PLUMBLINE_OBJECT_STORE_URL } : {}),
  };
  const overrides = options.overrides ? parseInput(options.overrides, 'config overrides') : {};
  const merged: WorkspaceConfigInput = { ...fromFile, ...fromEnv, ...overrides };
  const s3In = { ...fromFile.s3, ...(env.PLUMBLINE_S3_ENDPOINT ? { endpoint: env.PLUMBLINE_S3_ENDPOINT } : {}), ...overrides.s3 };
  return resolveConfig(home, merged, s3In);
}

function parseInput(raw: unknown, where: string): WorkspaceConfigInput {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PlatformError('CONFIG_INVALID', `${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

function resolveConfig(home: string, input: WorkspaceConfigInput, s3In: NonNullable<WorkspaceConfigInput['s3']>): WorkspaceConfig {
  return {
    home,
    catalog: resolveCatalog(home, input.catalog ?? 'sqlite:'),
    onlineStore: resolveOnline(home, input.onlineStore ?? 'sqlite:'),
    objectStore: resolveObjectStore(home, input.objectStore ?? 'file://objects', s3In),
    spoolPath: join(home, 'offline-spool.db'),
  };
}

function sqlitePath(home: string, url: string, defaultName: string): string {
  const rest = url.slice('sqlite:'.length).replace(/^\/\//, '');
  if (rest === '') return join(home, defaultName);
  if (rest === ':memory:') return ':memory:';
  return isAbsolute(rest) ? rest : resolve(home, rest);
}

function badUrl(field: string, url: string, expected: string): PlatformError {
  return new PlatformError('CONFIG_INVALID', `${field}: got ${JSON.stringify(url)}, expected ${expected}`);
}

function resolveCatalog(home: string, url: string): CatalogConfig {
  if (url.startsWith('sqlite:')) return { type: 'sqlite', path: sqlitePath(home, url, 'catalog.db') };
  if (/^postgres(ql)?:\/\//.test(url)) {
    const u = new URL(url);
    const schema = u.searchParams.get('schema') ?? 'plumbline';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw badUrl('catalog', url, 'a schema parameter of lowercase letters, digits and _');
    u.searchParams.delete('schema');
    return { type: 'postgres', url: u.toString(), schema };
  }
  throw badUrl('catalog', url, 'sqlite: or postgres://HOST:PORT/DB');
}

function resolveOnline(home: string, url: string): OnlineStoreConfig {
  if (url.startsWith('sqlite:')) return { type: 'sqlite', path: sqlitePath(home, url, 'online-store.db') };
  if (/^rediss?:\/\//.test(url)) {
    const u = new URL(url);
    const keyPrefix = u.searchParams.get('prefix') ?? 'plumbline';
    u.searchParams.delete('prefix');
    return { type: 'redis', url: u.toString(), keyPrefix };
  }
  throw badUrl('onlineStore', url, 'sqlite: or redis://HOST:PORT[/DB][?prefix=NAME]');
}

function resolveObjectStore(home: string, url: string, s3In: NonNullable<WorkspaceConfigInput['s3']>): ObjectStoreConfig {
  if (url.startsWith('file:')) {
    let root: string;
    if (url.startsWith('file:///')) root = fileURLToPath(url);
    else root = url.slice('file:'.length).replace(/^\/\//, '');
    return { type: 'file', root: isAbsolute(root) ? root : resolve(home, root) };
  }
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (m) {
    return {
      type: 's3',
      bucket: m[1]!,
      prefix: m[2]!.replace(/\/+$/, ''),
      s3: {
        region: s3In.region ?? process.env.AWS_REGION ?? 'us-east-1',
        forcePathStyle: s3In.forcePathStyle ?? s3In.endpoint !== undefined,
        ...(s3In.endpoint ? { endpoint: s3In.endpoint } : {}),
        ...(s3In.accessKeyId ? { accessKeyId: s3In.accessKeyId } : {}),
        ...(s3In.secretAccessKey ? { secretAccessKey: s3In.secretAccessKey } : {}),
      },
      cacheDir: join(home, 'cache', 's3'),
    };
  }
  throw badUrl('objectStore', url, 'file://DIR or s3://BUCKET/PREFIX');
}
