import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { expf, fma, logf } from './glibc-float.js';

// Inputs where Math.exp / Math.log rounded to float32 differ from glibc 2.36 (x86-64, FMA build), with
// glibc's results, as printed by Python's ctypes calling libm's expf/logf.
const EXPF: [number, number][] = [
  [-42.969181060791016, 2.181332143969447e-19],
  [84.114990234375, 3.39372091110276e36],
  [-70.88253784179688, 1.644769210536372e-31],
  [-38.336795806884766, 2.241512387305793e-17],
  [-1.3321574926376343, 0.26390725374221802],
];
const LOGF: [number, number][] = [
  [0.2140999585390091, -1.541312336921692],
  [76.9113540649414, 4.342653751373291],
  [0.00001944351060956251, -10.847997665405273],
  [4466.2099609375, 8.404294967651367],
  [1.3803255939491285e-18, -41.12421417236328],
];

describe('glibc expf/logf port', () => {
  it('reproduces glibc where the correctly rounded result differs', () => {
    for (const [x, y] of EXPF) {
      expect(expf(x), `expf(${x})`).toBe(Math.fround(y));
      expect(Math.fround(Math.exp(x))).not.toBe(Math.fround(y));
    }
    for (const [x, y] of LOGF) {
      expect(logf(x), `logf(${x})`).toBe(Math.fround(y));
      expect(Math.fround(Math.log(x))).not.toBe(Math.fround(y));
    }
  });

  it('handles the edges as glibc does', () => {
    expect(expf(0)).toBe(1);
    expect(expf(-Infinity)).toBe(0);
    expect(expf(Infinity)).toBe(Infinity);
    expect(expf(89)).toBe(Infinity);
    expect(expf(-104)).toBe(0);
    expect(expf(-100)).toBeGreaterThan(0);
    expect(Number.isNaN(expf(NaN))).toBe(true);
    expect(logf(1)).toBe(0);
    expect(logf(0)).toBe(-Infinity);
    expect(Number.isNaN(logf(-1))).toBe(true);
  });

  it('fma rounds once', () => {
    const a = 1 + 2 ** -30;
    // a * a = 1 + 2^-29 + 2^-60: a plain multiply-add loses the 2^-60 term, a fused one keeps it.
    expect(fma(a, a, -1)).toBe(2 ** -29 + 2 ** -60);
    expect(a * a - 1).toBe(2 ** -29);
    expect(fma(0.1, 10, -1)).toBe(5.551115123125783e-17);
    expect(fma(3, 5, 7)).toBe(22);
  });

  const python = process.env.XGBOOST_PYTHON ?? '/usr/bin/python3';
  const live = process.platform === 'linux' && process.arch === 'x64' && spawnSync(python, ['-c', 'import ctypes, numpy'], { timeout: 30_000 }).status === 0;
  it.skipIf(!live)(`matches this machine's libm on 20,000 random inputs${live ? '' : ' (skipped: needs Linux x64 and a Python with numpy)'}`, () => {
    const script = [
      'import ctypes, json, numpy as np',
      "m = ctypes.CDLL('libm.so.6')",
      'for f in (m.expf, m.logf): f.restype = ctypes.c_float; f.argtypes = [ctypes.c_float]',
      'rng = np.random.default_rng(3)',
      'xs = rng.uniform(-104, 88.7, 10000).astype(np.float32)',
      'ls = np.exp(rng.uniform(-85, 85, 10000)).astype(np.float32)',
      'print(json.dumps([[float(x) for x in xs], [float(m.expf(float(x))) for x in xs], [float(x) for x in ls], [float(m.logf(float(x))) for x in ls]]))',
    ].join('\n');
    const run = spawnSync(python, ['-c', script], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
    expect(run.status, run.stderr).toBe(0);
    const [xs, ex, ls, lx] = JSON.parse(run.stdout) as number[][];
    let expDiffs = 0;
    let logDiffs = 0;
    for (let i = 0; i < xs!.length; i++) if (expf(xs![i]!) !== ex![i]) expDiffs++;
    for (let i = 0; i < ls!.length; i++) if (logf(ls![i]!) !== lx![i]) logDiffs++;
    expect({ expDiffs, logDiffs }).toEqual({ expDiffs: 0, logDiffs: 0 });
  });
});
