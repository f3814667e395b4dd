/**
 * @module core/worker-task
 * Runs one task in a worker thread built from source text (`eval: true`, so no separate worker file has to be
 * shipped or found) and resolves when it posts its first message. A worker that dies first rejects, naming the
 * work it was doing.
 */
import { Worker } from 'node:worker_threads';

export function runWorkerTask(source: string, workerData: Record<string, unknown>, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData });
    let done = false;
    worker.once('message', () => {
      done = true;
      resolve();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`${what} worker exited with code ${code} before finishing`));
    });
  });
}
