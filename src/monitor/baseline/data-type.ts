/**
 * @module monitor/baseline/data-type
 * Deequ's value typing (`StatefulDataType`, spec/monitor.md §2.2): each non-null string is Fractional,
 * Integral, Boolean or String by these regular expressions, tried in this order; a column's type follows
 * from the counts. Model Monitor has no Boolean type, so a Boolean-only column is written as `String`.
 */
import type { InferredType } from './types.js';

export const FRACTIONAL_PATTERN = /^(-|\+)? ?\d+((\.\d+)|((?:\.\d+)?[Ee][-+]?\d+))$/;
export const INTEGRAL_PATTERN = /^(-|\+)? ?\d+$/;
export const BOOLEAN_PATTERN = /^(true|false)$/;

export enum ValueKind {
  Integral = 0,
  Fractional = 1,
  Boolean = 2,
  String = 3,
}

export function classifyValue(s: string): ValueKind {
  if (FRACTIONAL_PATTERN.test(s)) return ValueKind.Fractional;
  if (INTEGRAL_PATTERN.test(s)) return ValueKind.Integral;
  if (BOOLEAN_PATTERN.test(s)) return ValueKind.Boolean;
  return ValueKind.String;
}

/** The number a Fractional or Integral string stands for (Deequ allows one space after the sign). */
export function parseNumeric(s: string): number {
  const c = s.charCodeAt(0);
  if ((c === 45 || c === 43) && s.charCodeAt(1) === 32) return Number(s[0] + s.slice(2));
  return Number(s);
}

/** Column type from value counts, as Deequ decides it (Boolean becomes String for Model Monitor). */
export function typeFromCounts(counts: { integral: number; fractional: number; boolean: number; string: number }): InferredType {
  const { integral, fractional, boolean, string } = counts;
  if (integral + fractional + boolean + string === 0) return 'Unknown';
  if (string > 0) return 'String';
  if (boolean > 0) return 'String';
  if (fractional > 0) return 'Fractional';
  return 'Integral';
}
