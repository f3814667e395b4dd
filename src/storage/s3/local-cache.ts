/**
 * @module storage/s3/local-cache
 * Local copies of remote objects, for engines that read files (DuckDB). The copy of `bucket/prefix/key` lives at
 * `<dir>/bucket/prefix/key`; a sidecar at `<dir>/.meta/bucket/prefix/key.json` (bucket names cannot start with
 * `.`) records which remote version the copy holds. The sidecar also records the copy's inode and mtime, so a
 * copy and a sidecar written by two racing downloads never vouch for each other.
 */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface RemoteVersion {
  etag?: string;
  size: number;
  /** Epoch milliseconds. */
  lastModified?: number;
}

interface Sidecar extends RemoteVersion {
  file: string;
}

export class LocalCache {
  constructor(private readonly dir: string) {}

  /** The cached copy of `path` if it holds the version `current()` reports; `current` runs only when a copy exists. */
  async lookup(path: string, current: () => Promise<RemoteVersion>): Promise<string | undefined> {
    const file = this.fileOf(path);
    let sidecar: Sidecar;
    let st: Stats;
    try {
      [sidecar, st] = await Promise.all([readFile(this.sidecarOf(path), 'utf8').then((s) => JSON.parse(s) as Sidecar), stat(file)]);
    } catch {
      return undefined;
    }
    if (sidecar.file !== identity(st) || st.size !== sidecar.size) return undefined;
    const now = await current();
    return now.etag === sidecar.etag && now.size === sidecar.size && now.lastModified === sidecar.lastModified ? file : undefined;
  }

  /** Writes a new copy of `path` through `write(tempFile)`, then moves it into place; returns the copy's path. */
  async store(path: string, version: RemoteVersion, write: (tempFile: string) => Promise<void>): Promise<string> {
    const file = this.fileOf(path);
    await mkdir(dirname(file), { recursive: true });
    const tmp = tempBeside(file);
    try {
      await write(tmp);
      const st = await stat(tmp);
      if (st.size !== version.size) throw new Error(`downloaded ${st.size} bytes of ${version.size}`);
      await rename(tmp, file);
      const sidecar: Sidecar = { ...version, file: identity(st) };
      const meta = this.sidecarOf(path);
      await mkdir(dirname(meta), { recursive: true });
      const metaTmp = tempBeside(meta);
      await writeFile(metaTmp, JSON.stringify(sidecar));
      await rename(metaTmp, meta);
    } finally {
      await rm(tmp, { force: true });
    }
    return file;
  }

  private fileOf(path: string): string {
    return join(this.dir, ...path.split('/'));
  }

  private sidecarOf(path: string): string {
    return join(this.dir, '.meta', ...path.split('/')) + '.json';
  }
}

function identity(st: Stats): string {
  return `${st.ino}:${st.mtimeMs}`;
}

function tempBeside(file: string): string {
  return `${file}.plumbline-tmp-${randomBytes(6).toString('hex')}`;
}
