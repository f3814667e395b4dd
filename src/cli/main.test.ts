import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from './io.js';
import { main } from './main.js';

function capture(env: NodeJS.ProcessEnv = {}): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env,
    cwd: process.cwd(),
    out: () => out,
    err: () => err,
  };
}

describe('plumbline CLI', () => {
  let dir: string;
  let home: string;
  let data: string;
  const run = async (...argv: string[]) => {
    const io = capture();
    const code = await main(['--home', home, ...argv], io);
    return { code, out: io.out(), err: io.err() };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-cli-'));
    home = join(dir, 'ws');
    data = join(dir, 'data.csv');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates the scholarship dataset deterministically', async () => {
    const a = await run('datasets', 'scholarship', '--rows', '200', '--seed', '3', '--event-time', '1700000000', '--out', data);
    expect(a.code).toBe(0);
    const first = readFileSync(data);
    await run('datasets', 'scholarship', '--rows', '200', '--seed', '3', '--event-time', '1700000000', '--out', data);
    expect(readFileSync(data).equals(first)).toBe(true);
    expect(first.toString('utf8').split('\n')[0]).toBe('approved,sex,math,science,technology,random1,random2,index,event_time');
  });

  it('creates, describes, ingests, reads and queries with --json', async () => {
    const created = await run('--json', 'feature-groups', 'create', 'scores', '--record-id', 'index', '--event-time', 'event_time', '--definitions-from', data);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.out).FeatureGroupStatus).toBe('Created');
    const ingested = await run('ingest', 'scores', data, '--json');
    expect(ingested.code).toBe(0);
    expect(JSON.parse(ingested.out)).toMatchObject({ written: 200, rejected: 0 });
    const got = await run('records', 'get', 'scores', '7', '--features', 'index,math', '--json');
    expect(JSON.parse(got.out).Record[0]).toEqual({ FeatureName: 'index', ValueAsString: '7' });
    const q = await run('query', 'SELECT count(*) AS n FROM scores', '--format', 'csv');
    expect(q.out).toBe('n\n200\n');
    const described = await run('feature-groups', 'describe', 'scores');
    expect(described.out).toMatch(/FeatureGroupStatus\s+Created/);
  });

  it('builds a dataset from a JSON spec into a file', async () => {
    const { writeFileSync } = await import('node:fs');
    const spec = join(dir, 'spec.json');
    const entities = join(dir, 'entities.csv');
    writeFileSync(entities, 'index,event_time\n7,1700000100.0\n8,1600000000.0\n');
    writeFileSync(spec, JSON.stringify({ base: { file: entities, recordIdentifierName: 'index', eventTimeFeatureName: 'event_time' }, featureGroups: [{ name: 'scores', includedFeatureNames: ['math'], joinType: 'LEFT_JOIN' }], pointInTimeAccurateJoin: true }));
    const out = join(dir, 'train.csv');
    const r = await run('datasets', 'build', '--spec', spec, '--out', out, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ rows: 2 });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('index,event_time,math');
    expect(lines[2]).toBe('8,1600000000.0,');
    const bad = await run('datasets', 'build', '--spec', join(dir, 'missing.json'), '--out', out);
    expect(bad.code).toBe(2);
  });

  it('trains, lists, describes, predicts with and exports a model', async () => {
    const { writeFileSync } = await import('node:fs');
    const csv = join(dir, 'train_nh.csv');
    const rows = readFileSync(data, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').slice(0, 7).join(','));
    writeFileSync(csv, rows.join('\n') + '\n');
    const trained = await run('train', '--train', csv, '--objective', 'binary:logistic', '--num-round', '5', '--max-depth', '3', '--eval-metric', 'logloss', '--model-name', 'm1', '--feature-names', 'sex,math,science,technology,random1,random2');
    expect(trained.code, trained.err).toBe(0);
    expect(trained.err).toMatch(/\[0\]\ttrain-logloss:/);
    expect(trained.out).toMatch(/trained m1 \(5 trees\)/);
    const listed = await run('models', 'list', '--json');
    expect(JSON.parse(listed.out).map((m: { ModelName: string }) => m.ModelName)).toEqual(['m1']);
    const predicted = await run('predict', '--model', 'm1', '--data', data);
    expect(predicted.code, predicted.err).toBe(0);
    const lines = predicted.out.trim().split('\n');
    expect(lines[0]).toBe('approved,sex,math,science,technology,random1,random2,index,event_time,score');
    expect(lines).toHaveLength(201);
    const exported = await run('models', 'export', 'm1', join(dir, 'm1.json'));
    expect(exported.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'm1.json'), 'utf8')).learner.feature_names).toEqual(['sex', 'math', 'science', 'technology', 'random1', 'random2']);
    const taken = await run('train', '--train', csv, '--num-round', '1', '--model-name', 'm1');
    expect(taken.code).toBe(3);
    expect(taken.err).toBe('error[ALREADY_EXISTS]: model name "m1" is taken; delete the model or choose another name\n');
    const unknown = await run('train', '--train', csv, '--hyperparameters', '{"etta": 0.1}', '--model-name', 'm2');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/etta/);
  });

  it('prints one readable error line and a catalog exit code, with no stack trace', async () => {
    const missing = await run('records', 'get', 'nope', '1');
    expect(missing.code).toBe(3);
    expect(missing.err).toBe('error[FEATURE_GROUP_NOT_FOUND]: feature group "nope" not found\n');
    const badSql = await run('query', 'DELETE FROM scores');
    expect(badSql.code).toBe(2);
    expect(badSql.err).toMatch(/^error\[QUERY_REJECTED\]: /);
    expect(badSql.err.trim().split('\n')).toHaveLength(1);
    const badOption = await run('datasets', 'scholarship', '--rows', 'many', '--out', data);
    expect(badOption.code).toBe(2);
    expect(badOption.err).toMatch(/--rows: got "many", expected an integer/);
    const json = await run('--json', 'feature-groups', 'describe', 'nope');
    expect(JSON.parse(json.err)).toMatchObject({ code: 'FEATURE_GROUP_NOT_FOUND', status: 404 });
  });

  it('exits 6 and lists rejected rows when some rows cannot be ingested', async () => {
    const bad = join(dir, 'bad.csv');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, 'index,event_time,math\n1,1700000000.0,90\n2,not-a-time,80\n,1700000000.0,70\n');
    const r = await run('ingest', 'scores', bad);
    expect(r.code).toBe(6);
    expect(r.out).toMatch(/ingested 1 of 3 rows/);
    expect(r.out).toMatch(/row 2: event time "event_time" "not-a-time" is not unix seconds/);
    expect(r.out).toMatch(/row 3: record identifier "index" is missing/);
  });
});
