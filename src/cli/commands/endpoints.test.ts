/**
 * @module cli/commands/endpoints.test
 * `plumbline endpoints ...` and `plumbline capture list|show` through `main()` on a real workspace, and
 * `plumbline serve` answering the SageMaker runtime path from another process's endpoint definitions.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servingFixture, type ServingFixture } from '../../../test/helpers/serving-fixture.js';
import type { CliIo } from '../io.js';
import { main } from '../main.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let fx: ServingFixture;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: process.cwd() };
  const code = await main(['--home', fx.home, ...argv], io);
  return { code, out, err };
}

beforeAll(async () => {
  fx = await servingFixture({ models: ['cookbook-xgboost', 'challenger'] });
  await fx.platform.close();
});

afterAll(async () => {
  await fx?.cleanup();
});

describe('plumbline endpoints', () => {
  it('creates, invokes, captures, shows, updates and deletes', async () => {
    const created = await cli('--json', 'endpoints', 'create', 'cli-ep', '--model', 'cookbook-xgboost', '--capture-sampling', '100');
    expect(created.code, created.err).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({ EndpointName: 'cli-ep', EndpointStatus: 'InService', DataCaptureConfig: { CurrentSamplingPercentage: 100 } });
    const invoked = await cli('endpoints', 'invoke', 'cli-ep', '--content-type', 'text/csv', '--body', '1,92,83,86,96,67', '--inference-id', 'cli-1');
    expect(invoked.code, invoked.err).toBe(0);
    const score = Number(invoked.out.trim());
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThan(1);
    const json = await cli('endpoints', 'invoke', 'cli-ep', '--body', '1,92,83,86,96,67', '--accept', 'application/json');
    expect(JSON.parse(json.out)).toEqual({ predictions: [{ score }] });

    const listed = await cli('--json', 'capture', 'list', 'cli-ep');
    const files = JSON.parse(listed.out) as { variant: string; uri: string }[];
    expect(files.length).toBeGreaterThanOrEqual(1);
    expect(files[0]!.variant).toBe('AllTraffic');
    const shown = await cli('capture', 'show', 'cli-ep');
    expect(shown.out).toContain(`AllTraffic  1,92,83,86,96,67  ->  ${score}  (inference id cli-1)`);
    const hour = new Date().toISOString().slice(0, 13);
    expect(JSON.parse((await cli('--json', 'capture', 'show', 'cli-ep', '--hour', hour)).out)).toHaveLength(2);
    expect(JSON.parse((await cli('--json', 'capture', 'show', 'cli-ep', '--hour', '2001-01-01T00')).out)).toHaveLength(0);

    const capture = await cli('--json', 'endpoints', 'update-capture', 'cli-ep', '--sampling', '10');
    expect(JSON.parse(capture.out).DataCaptureConfig).toMatchObject({ CurrentSamplingPercentage: 10 });
    const updated = await cli('--json', 'endpoints', 'update', 'cli-ep', '--variant', 'blue:cookbook-xgboost:3', '--variant', 'green:challenger:1');
    expect(updated.code, updated.err).toBe(0);
    expect(JSON.parse(updated.out).ProductionVariants.map((v: { VariantName: string; CurrentWeight: number }) => `${v.VariantName}:${v.CurrentWeight}`)).toEqual(['blue:3', 'green:1']);
    const described = await cli('endpoints', 'describe', 'cli-ep');
    expect(described.out).toContain('Variant             green: model challenger, weight 1');
    expect(described.out).toContain('DataCapture         Started, 10%');
    expect((await cli('endpoints', 'list')).out).toMatch(/^cli-ep\tInService\tblue=cookbook-xgboost,green=challenger/);
    expect((await cli('endpoints', 'delete', 'cli-ep')).code).toBe(0);
    expect((await cli('endpoints', 'list')).out.trim()).toBe('(no endpoints)');
  });

  it('fails in one line with the catalog exit code', async () => {
    const missing = await cli('endpoints', 'invoke', 'nope', '--body', '1');
    expect(missing.code).toBe(3);
    expect(missing.err).toBe('error[NOT_FOUND]: endpoint "nope" not found\n');
    expect((await cli('endpoints', 'create', 'x')).err).toBe('error[VALIDATION_FAILED]: --model: give the model to serve with --model MODEL or --variant NAME:MODEL:WEIGHT\n');
    expect((await cli('endpoints', 'create', 'x', '--variant', 'a:b:c')).err).toContain('--variant: got "a:b:c", expected NAME:MODEL:WEIGHT');
    await cli('endpoints', 'create', 'bad-input', '--model', 'cookbook-xgboost');
    const bad = await cli('endpoints', 'invoke', 'bad-input', '--body', '1,92,-,86,96,67');
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('error[VALIDATION_FAILED]: column 3 (science): got "-", expected a number\n');
    expect((await cli('capture', 'list', 'bad-input')).err).toContain('endpoint "bad-input" has no data capture');
  });

  it('serves endpoints created by another process at the SageMaker runtime path (plumbline serve)', async () => {
    await cli('endpoints', 'create', 'served', '--model', 'cookbook-xgboost', '--capture-sampling', '100');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', '--home', fx.home, '--json', 'serve', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => stdout.includes('"url"') || child.exitCode !== null, { timeout: 30_000, interval: 50 }).toBe(true);
      const url = JSON.parse(stdout).url as string;
      const res = await fetch(`${url}/endpoints/served/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv', accept: 'application/json' }, body: '1,92,83,86,96,67' });
      expect(res.status, stderr).toBe(200);
      expect(((await res.json()) as { predictions: unknown[] }).predictions).toHaveLength(1);
      const viaCli = await cli('endpoints', 'invoke', 'served', '--url', url, '--body', '1,92,83,86,96,67', '--inference-id', 'via-http');
      expect(viaCli.code, viaCli.err).toBe(0);
      expect(Number(viaCli.out)).toBeGreaterThan(0);
      expect(await (await fetch(`${url}/metrics`)).text()).toContain('plumbline_endpoint_invocations_total{endpoint="served",variant="AllTraffic"} 2');
    } finally {
      // Ctrl-C (SIGINT) stops as cleanly as SIGTERM (serving/shutdown.test.ts covers SIGTERM under load).
      child.kill('SIGINT');
    }
    expect(await exited, stderr).toBe(0);
    // The server flushed its capture on SIGINT.
    const shown = JSON.parse((await cli('--json', 'capture', 'show', 'served')).out) as { inferenceId?: string }[];
    expect(shown.map((s) => s.inferenceId ?? null)).toEqual([null, 'via-http']);
  });
});
