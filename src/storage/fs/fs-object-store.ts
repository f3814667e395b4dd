/**
 * @module storage/fs/fs-object-store
 * The default object store: a local folder. Writes go to a temporary file beside the target and are
 * renamed into place, so a reader or a crash never sees half an object. Deletes remove the folders they empty,
 * so that, as on S3, a folder's name can later become a key.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
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
    else return validKey(uri.replace(/^\.\//, ''));
    const rel = relative(this.root, resolve(path));
    if (rel === '') return '';
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
    return rel.split(sep).join('/');
  }

  private pathOf(key: string): string {
    return join(this.root, ...checkKey(key).split('/'));
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.writeAtomically(this.pathOf(key), (tmp) => writeFile(tmp, body));
  }

  async putFile(key: string, localPath: string): Promise<void> {
    const target = this.pathOf(key);
    if (resolve(localPath) === target) return;
    await this.writeAtomically(target, (tmp) => copyFile(localPath, tmp));
  }

  /** Writes a temporary file beside `target` through `write`, then renames it into place. */
  private async writeAtomically(target: string, write: (tmp: string) => Promise<void>): Promise<void> {
    const tmp = `${target}${TMP_MARK}${randomBytes(6).toString('hex')}`;
    for (let attempt = 1; ; attempt++) {
      await mkdir(dirname(target), { recursive: true });
      try {
        await write(tmp);
        await rename(tmp, target);
        return;
      } catch (e) {
        await rm(tmp, { force: true });
        // A concurrent delete may have pruned the folder just made: then make it again.
        const folderGone = (e as NodeJS.ErrnoException).code === 'ENOENT' && !(await stat(dirname(target)).then(() => true, () => false));
        if (!folderGone || attempt === 3) throw e;
      }
    }
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
    const path = this.pathOf(key);
    // A folder is not an object: deleting its name is deleting an absent key.
    if (!(await this.exists(key))) return;
    await rm(path, { force: true });
    await this.pruneEmptyFolders(dirname(path));
  }

  async deletePrefix(prefix: string): Promise<number> {
    const objects = await this.list(prefix);
    for (const o of objects) await this.delete(o.key);
    return objects.length;
  }

  /** Removes `dir` and its parents while they are empty, stopping at the root. */
  private async pruneEmptyFolders(dir: string): Promise<void> {
    for (; dir.startsWith(this.root + sep); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or already gone)
      }
    }
  }

  async localPath(key: string): Promise<string> {
    const path = this.pathOf(key);
    if (!(await this.exists(key))) throw new NotFoundError('object', this.uriOf(key), 'OBJECT_NOT_FOUND');
    return path;
  }

  async close(): Promise<void> {}
}

function validKey(key: string): string | undefined {
  try {
    return checkKey(key);
  } catch {
    return undefined;
  }
}
