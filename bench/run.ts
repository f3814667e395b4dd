/**
 * Benchmark entry point: `npm run bench` runs every benchmark, `npm run bench -- ingest get-record` the ones
 * named. Each benchmark runs in its own Node process (so its wall time and peak RSS are its own), prints a
 * readable report and writes `bench/results/<name>.json`; a summary of every target closes the run.
 *
 * Options: `--list` prints the benchmarks; `--in-process` runs them in this process (debugging; peak RSS is
 * then cumulative); `--no-wait` starts each benchmark at once instead of first waiting (up to
 * BENCH_QUIET_WAIT_S, default 90 s) for other processes to leave the CPU. Each report says how much CPU other
 * processes used while it ran. The exit code is 1 when a benchmark failed to run (a missed target is reported, not fatal).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  busyShare,
  childrenCpuSeconds,
  cpuSnapshot,
  peakRssMb,
  redisServerCpuSeconds,
  round,
  sampleBusyShare,
  type BenchResultFile,
  type Benchmark,
} from './common.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const RESULTS_DIR = join(BENCH_DIR, 'results');
const THIS_FILE = fileURLToPath(import.meta.url);
/** A benchmark still running after this is killed (each is meant to take under ~2 minutes). */
const CHILD_TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 6 * 60_000);
/** Before each benchmark, wait up to this long for other processes to leave the CPU (`--no-wait` skips). */
const QUIET_WAIT_MS = Number(process.env.BENCH_QUIET_WAIT_S ?? 90) * 1000;
/** Busy share of all cores (0..1) under which the machine counts as quiet. */
const QUIET_SHARE = 0.15;

const BENCHMARKS: Record<string, () => Promise<Benchmark>> = {
  ingest: async () => (await import('./ingest.bench.js')).benchmark,
  'get-record': async () => (await import('./get-record.bench.js')).benchmark,
  'offline-sql': async () => (await import('./offline-sql.bench.js')).benchmark,
  models: async () => (await import('./models.bench.js')).benchmark,
  serving: async () => (await import('./serving.bench.js')).benchmark,
  bias: async () => (await import('./bias.bench.js')).benchmark,
  'monitor-baseline': async () => (await import('./monitor-baseline.bench.js')).benchmark,
  'monitor-execution': async () => (await import('./monitor-execution.bench.js')).benchmark,
  explain: async () => (await import('./explain.bench.js')).benchmark,
};

const resultPath = (name: string): string => join(RESULTS_DIR, `${name}.json`);

function formatValue(value: number, unit: string): string {
  const digits = unit === 'x' ? 2 : unit === 'AUC' ? 5 : Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : 1;
  return `${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`;
}

function printReport(r: BenchResultFile): void {
  const lines: string[] = [];
  lines.push('', `=== ${r.name} ${r.ok ? '' : '(FAILED)'}`.trimEnd());
  if (r.error) lines.push(`error: ${r.error}`);
  const width = Math.max(20, ...r.metrics.map((m) => m.label.length));
  for (const m of r.metrics) lines.push(`  ${m.label.padEnd(width)}  ${formatValue(m.value, m.unit).padStart(16)}${m.note ? `  (${m.note})` : ''}`);
  if (r.targets.length > 0) {
    lines.push('  targets:');
    for (const t of r.targets) lines.push(`    [${t.pass ? 'PASS' : 'MISS'}] ${t.label}: ${formatValue(t.actual, t.unit)} (goal ${t.goal})`);
  }
  lines.push(`  process: wall ${(r.processWallMs / 1000).toFixed(1)} s, peak RSS ${r.peakRssMb.toFixed(0)} MB`);
  const other = r.machineLoad.otherCpuShare;
  if (other !== null) {
    lines.push(
      `  machine: other processes used ${(other * 100).toFixed(0)}% of the ${r.machine.cpus} cores meanwhile (this benchmark ${(r.machineLoad.ownCpuShare * 100).toFixed(0)}%` +
        (r.machineLoad.redisServerCpuShare !== null ? `, redis-server ${(r.machineLoad.redisServerCpuShare * 100).toFixed(0)}%)` : ')') +
        (other > QUIET_SHARE ? ': figures are likely skewed by other work' : ''),
    );
  }
  for (const n of r.notes) lines.push(`  note: ${n}`);
  lines.push(`  json: ${relative(process.cwd(), resultPath(r.name))}`);
  console.log(lines.join('\n'));
}

function machine(): BenchResultFile['machine'] {
  const list = cpus();
  return { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: list.length, cpuModel: list[0]?.model ?? 'unknown', totalMemMb: Math.round(totalmem() / 2 ** 20) };
}

/** Runs one benchmark in this process and writes its JSON. */
async function runOne(name: string): Promise<BenchResultFile> {
  const startedAt = new Date().toISOString();
  const log = (line: string): void => console.log(`[${name}] ${line}`);
  const redisCpu = (): Promise<number | null> => redisServerCpuSeconds().catch(() => null);
  const load0 = { snap: cpuSnapshot(), cpu: process.cpuUsage(), children: childrenCpuSeconds(), redis: await redisCpu(), at: performance.now(), avg: loadavg() };
  const machineLoad = async (): Promise<BenchResultFile['machineLoad']> => {
    const snap = cpuSnapshot();
    const cpu = process.cpuUsage(load0.cpu);
    const redis = await redisCpu();
    const capacityS = ((performance.now() - load0.at) / 1000) * cpus().length;
    const own = ((cpu.user + cpu.system) / 1e6 + childrenCpuSeconds() - load0.children) / capacityS;
    const redisShare = redis !== null && load0.redis !== null ? (redis - load0.redis) / capacityS : null;
    const busy = load0.snap && snap ? busyShare(load0.snap, snap) : null;
    return {
      busyShare: busy === null ? null : round(busy, 3),
      ownCpuShare: round(own, 3),
      redisServerCpuShare: redisShare === null ? null : round(redisShare, 3),
      otherCpuShare: busy === null ? null : round(Math.max(0, busy - own - (redisShare ?? 0)), 3),
      loadavgStart: load0.avg.map((v) => round(v, 2)),
      loadavgEnd: loadavg().map((v) => round(v, 2)),
    };
  };
  let file: BenchResultFile;
  try {
    const bench = await BENCHMARKS[name]!();
    log(bench.description);
    const report = await bench.run(log);
    file = { name, startedAt, finishedAt: new Date().toISOString(), ok: true, processWallMs: round(performance.now(), 0), peakRssMb: round(peakRssMb(), 1), machine: machine(), machineLoad: await machineLoad(), ...report };
  } catch (e) {
    const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    file = { name, startedAt, finishedAt: new Date().toISOString(), ok: false, error, processWallMs: round(performance.now(), 0), peakRssMb: round(peakRssMb(), 1), machine: machine(), machineLoad: await machineLoad(), metrics: [], targets: [], notes: [], details: {} };
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(resultPath(name), JSON.stringify(file, null, 2) + '\n');
  return file;
}

/** Waits (up to QUIET_WAIT_MS) until other processes leave most of the CPU free. */
async function waitForQuiet(): Promise<void> {
  const deadline = performance.now() + QUIET_WAIT_MS;
  let share = await sampleBusyShare(2000);
  if (share === undefined || share < QUIET_SHARE) return;
  console.log(`machine busy: ${(share * 100).toFixed(0)}% of all cores in use by other processes; waiting up to ${QUIET_WAIT_MS / 1000} s for it to settle`);
  while (share !== undefined && share >= QUIET_SHARE && performance.now() < deadline) share = await sampleBusyShare(3000);
  console.log(share !== undefined && share < QUIET_SHARE ? 'machine quiet, starting' : `still ${(share! * 100).toFixed(0)}% busy; starting anyway`);
}

/** Runs one benchmark in a child process; returns its JSON (or a failure record). */
function runChild(name: string): Promise<BenchResultFile> {
  return new Promise((resolveRun) => {
    const started = performance.now();
    // A result file left by an earlier run must not pass for this one.
    rmSync(resultPath(name), { force: true });
    const child = spawn(process.execPath, [...process.execArgv, THIS_FILE, '--child', name], { stdio: 'inherit' });
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      let file: BenchResultFile | undefined;
      try {
        file = JSON.parse(readFileSync(resultPath(name), 'utf8')) as BenchResultFile;
      } catch {
        file = undefined;
      }
      if (!file || (code !== 0 && file.ok)) {
        const why = signal ? `killed by ${signal}${signal === 'SIGKILL' ? ` (timeout ${CHILD_TIMEOUT_MS} ms?)` : ''}` : `exited with code ${code}`;
        file = {
          name,
          startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
          finishedAt: new Date().toISOString(),
          ok: false,
          error: `benchmark process ${why}`,
          processWallMs: round(performance.now() - started, 0),
          peakRssMb: NaN,
          machine: machine(),
          machineLoad: { busyShare: null, ownCpuShare: 0, redisServerCpuShare: null, otherCpuShare: null, loadavgStart: [], loadavgEnd: loadavg().map((v) => round(v, 2)) },
          metrics: [],
          targets: [],
          notes: [],
          details: {},
        };
        mkdirSync(RESULTS_DIR, { recursive: true });
        writeFileSync(resultPath(name), JSON.stringify(file, null, 2) + '\n');
      }
      resolveRun(file);
    });
  });
}

function printSummary(results: BenchResultFile[]): void {
  const rows = results.flatMap((r) =>
    r.ok ? r.targets.map((t) => [r.name, t.label, formatValue(t.actual, t.unit), t.goal, t.pass ? 'PASS' : 'MISS']) : [[r.name, 'benchmark failed', '-', '-', 'FAIL']],
  );
  const header = ['benchmark', 'target', 'actual', 'goal', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]): string => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(['', '=== summary', fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n'));
  for (const r of results) {
    const other = r.machineLoad.otherCpuShare;
    console.log(
      `${r.name}: wall ${(r.processWallMs / 1000).toFixed(1)} s, peak RSS ${Number.isNaN(r.peakRssMb) ? '?' : r.peakRssMb.toFixed(0)} MB` +
        (other === null ? '' : `, other processes' CPU ${(other * 100).toFixed(0)}%`),
    );
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const childAt = args.indexOf('--child');
  if (childAt >= 0) {
    const name = args[childAt + 1]!;
    const result = await runOne(name);
    printReport(result);
    // Exit explicitly: a stray handle (timer, socket) must not keep a finished benchmark alive.
    process.exit(result.ok ? 0 : 1);
  }
  if (args.includes('--list') || args.includes('--help')) {
    console.log(`usage: npm run bench [-- [--no-wait] [--in-process] [name ...]]\nbenchmarks: ${Object.keys(BENCHMARKS).join(', ')}`);
    return;
  }
  const inProcess = args.includes('--in-process');
  const wait = !args.includes('--no-wait');
  const names = args.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !(n in BENCHMARKS));
  if (unknown.length > 0) {
    console.error(`unknown benchmark${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (known: ${Object.keys(BENCHMARKS).join(', ')})`);
    process.exitCode = 2;
    return;
  }
  const selected = names.length > 0 ? names : Object.keys(BENCHMARKS);
  console.log(`plumbline benchmarks: ${selected.join(', ')} (${machine().cpus} cores, Node ${process.version})`);
  const results: BenchResultFile[] = [];
  for (const name of selected) {
    if (wait) await waitForQuiet();
    if (inProcess) {
      const r = await runOne(name);
      printReport(r);
      results.push(r);
    } else {
      results.push(await runChild(name));
    }
  }
  printSummary(results);
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}

await main();
