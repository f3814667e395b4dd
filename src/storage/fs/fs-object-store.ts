/**
 * @module storage/fs/fs-object-store
 * The default object store: a local folder. Writes go to a temporary file beside the target and are
 * renamed into place, so a reader or a crash never sees half an object.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NotFoundError } from '../../core/errors.js';
import { checkKey, type ObjectInfo, type ObjectStore } from '../object-store.js';

const TMP_MARK = '.plumbline-tmp-';

export class FsObjectStore implements ObjectStore {
  readonly capabilities = { localFiles: true } as const;
  readonly rootUri: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.rootUri = pathToFileURL(this.root).href;
  }

  uriOf(key: string): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  keyOf(uri: string): string | undefined {
    let path: string;
    if (uri.startsWith('file:')) path = fileURLToPath(uri);
    else if (uri.includes('://')) return undefined;
    else if (uri.startsWith('/')) path = uri;
    else return checkKey(uri.replace(/^\.\//, ''));
    const rel = relative(this.root, resolve(path));
    if (rel === '') return '';
    if (rel.startsWith('..') || rel.startsWith(sep)) return undefined;
    return rel.split(sep).join('/');
  }

  private pathOf(key: string): string {
    return join(this.root, ...checkKey(key).split('/'));
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}${TMP_MARK}${randomBytes(6).toString('hex')}`;
    await writeFile(tmp, body);
    await rename(tmp, target);
  }

  async putFile(key: string, localPath: string): Promise<void> {
    const target = this.pathOf(key);
    if (resolve(localPath) === target) return;
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}${TMP_MARK}${randomBytes(6).toString('hex')}`;
    await copyFile(localPath, tmp);
    await rename(tmp, target);
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return await readFile(this.pathOf(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR') {
        throw new NotFoundError('object', this.uriOf(key), 'OBJECT_NOT_FOUND');
      }
      throw e;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    // Walk only the deepest folder the prefix names, then filter by the rest of the prefix.
    const cut = prefix.lastIndexOf('/');
    const dirKey = cut >= 0 ? prefix.slice(0, cut) : '';
    const start = dirKey === '' ? this.root : this.pathOf(dirKey);
    const out: ObjectInfo[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw e;
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) {
          await walk(full);
        } else if (entry.isFile() && !entry.name.includes(TMP_MARK)) {
          const key = relative(this.root, full).split(sep).join('/');
          if (!key.startsWith(prefix)) continue;
          const s = await stat(full);
          out.push({ key, size: s.size, lastModified: s.mtimeMs });
        }
      }
    };
    await walk(start);
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out;
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<number> {
    const objects = await this.list(prefix);
    for (const o of objects) await rm(this.pathOf(o.key), { force: true });
    return objects.length;
  }

  async localPath(key: string): Promise<string> {
    const path = this.pathOf(key);
    if (!(await this.exists(key))) throw new NotFoundError('object', this.uriOf(key), 'OBJECT_NOT_FOUND');
    return path;
  }

  async close(): Promise<void> {}
}
