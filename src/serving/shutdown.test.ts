/**
 * @module serving/shutdown.test
 * A clean stop under load loses no capture: `plumbline endpoints run` in a child process takes concurrent
 * requests (each with its own inference id), gets SIGTERM mid-load, and every request it acknowledged with 200
 * must be in the capture files once it has exited.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servingFixture, type ServingFixture } from '../../test/helpers/serving-fixture.js';
import { listCaptureFiles, readCaptureFile, resolveCaptureSink } from '../index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let fx: ServingFixture;
let destination: string;

beforeAll(async () => {
  fx = await servingFixture();
  await fx.platform.endpoints.create({ endpointName: 'sigterm-ep', variants: [{ modelName: 'cookbook-xgboost' }], dataCaptureConfig: { enableCapture: true, samplingPercentage: 100 } });
  destination = (await fx.platform.endpoints.describe('sigterm-ep')).DataCaptureConfig!.DestinationS3Uri;
});

afterAll(async () => {
  await fx?.cleanup();
});

describe('SIGTERM under load', () => {
  it('captures every acknowledged request of a child server stopped mid-load', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', '--home', fx.home, '--json', 'endpoints', 'run', 'sigterm-ep', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await expect.poll(() => stdout.includes('"url"') || child.exitCode !== null, { timeout: 30_000, interval: 50 }).toBe(true);
    const url = JSON.parse(stdout).url as string;

    const acked = new Set<string>();
    let sent = 0;
    let refused = 0;
    let stopping = false;
    const worker = async (w: number) => {
      for (let i = 0; ; i++) {
        const id = `w${w}-${i}`;
        sent++;
        try {
          const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv', 'x-amzn-sagemaker-inference-id': id }, body: '1,92,83,86,96,67' });
          const body = await res.text();
          if (res.status === 200 && body !== '') acked.add(id);
        } catch {
          refused++;
          if (stopping) return;
        }
      }
    };
    const load = Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
    await expect.poll(() => acked.size, { timeout: 30_000, interval: 20 }).toBeGreaterThan(500);
    stopping = true;
    child.kill('SIGTERM');
    const code = await exited;
    await load;
    expect(code, stderr).toBe(0);
    expect(refused).toBeGreaterThan(0);

    const sink = resolveCaptureSink(fx.platform.objectStore, destination);
    const ids = new Set<string>();
    let lines = 0;
    for (const f of await listCaptureFiles(sink, 'sigterm-ep')) {
      for (const r of await readCaptureFile(sink, f)) {
        lines++;
        ids.add(r.eventMetadata!.inferenceId!);
      }
    }
    const lost = [...acked].filter((id) => !ids.has(id));
    expect(lost, `${acked.size} acknowledged of ${sent} sent; ${lines} lines captured`).toEqual([]);
    // No request was captured twice.
    expect(lines).toBe(ids.size);
  });
});
