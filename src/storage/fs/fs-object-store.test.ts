/** @module storage/fs/fs-object-store.test  The object-store contract on a temporary folder. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runObjectStoreContract } from '../object-store.contract.js';
import { FsObjectStore } from './fs-object-store.js';

runObjectStoreContract({
  name: 'FsObjectStore',
  create: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plumbline-fs-store-'));
    // A root that does not exist yet: the store must create it on first write.
    const store = new FsObjectStore(join(dir, 'objects'));
    return { store, cleanup: () => store.close().then(() => rm(dir, { recursive: true, force: true })) };
  },
});
