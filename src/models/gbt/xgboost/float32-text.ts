/**
 * @module models/gbt/xgboost/float32-text
 * Float32 values as XGBoost writes them in JSON: the shortest decimal that reads back to the same float32,
 * in C-style scientific notation (`3.5867196E-1`, `6E2`, `-0E0`). The notation matters, not just the
 * value: XGBoost's JSON reader types `6` as an integer and then refuses it where a float is expected.
 */

/** The shortest number (as a float64) that rounds to the same float32 as `value`. */
export function shortestFloat32(value: number): number {
  const f = Math.fround(value);
  if (f === 0 || !Number.isFinite(f)) return f;
  return Number(shortestText(f));
}

/** `value` as a float32 in XGBoost's JSON notation (always with an exponent, so it reads as a float). */
export function formatFloat32(value: number): string {
  const f = Math.fround(value);
  if (f === 0) return Object.is(f, -0) ? '-0E0' : '0E0';
  if (!Number.isFinite(f)) return Number.isNaN(f) ? 'NaN' : f > 0 ? 'Infinity' : '-Infinity';
  return shortestText(f).replace('e+', 'E').replace('e-', 'E-');
}

function shortestText(f: number): string {
  const digits = shortestDigits(f);
  const text = f.toExponential(digits - 1);
  // toExponential rounds an exact tie up (233385.625 -> 2.3338563e+5); XGBoost (Ryu) rounds it to even.
  const longer = f.toExponential(digits + 12);
  const mantissa = longer.slice(0, longer.indexOf('e'));
  if (!mantissa.endsWith('5000000000000')) return text;
  const down = `${mantissa.slice(0, mantissa.length - 13)}${longer.slice(longer.indexOf('e'))}`;
  const lastDigit = Number(mantissa[mantissa.length - 14]);
  return lastDigit % 2 === 0 && Math.fround(Number(down)) === f ? down.replace(/\.e/, 'e') : text;
}

/** Fewest significant digits (1 to 9) that identify the float32 `f`. */
function shortestDigits(f: number): number {
  const fits = (digits: number) => Math.fround(Number(f.toExponential(digits - 1))) === f;
  let digits = 6;
  if (fits(digits)) {
    while (digits > 1 && fits(digits - 1)) digits--;
  } else {
    while (digits < 9 && !fits(digits)) digits++;
  }
  return digits;
}
