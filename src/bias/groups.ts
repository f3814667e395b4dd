/**
 * @module bias/groups
 * From a bias config to masks over the rows: facet d (the configured values, or above a threshold) and its
 * complement a, positive observed / predicted labels, and the group variable as integer codes.
 *
 * Unlike Clarify, the column kind is not guessed from dtype and uniqueness: `threshold` means continuous,
 * `values` (or nothing, for a facet) means categorical. Nulls never match a value or a threshold, so they
 * fall into a and count as negative labels (what pandas does with NaN).
 *
 * Intersectional facets (beyond Clarify): `name` is a list of two or more columns, e.g. `['sex', 'age_band']`.
 * d is then the rows whose combination of values is one of `values` (a list of combinations, one value per
 * column, e.g. `[[0, '18-25'], [0, '26-35']]`), or, without values, each combination present in the data in
 * turn (one-vs-all, in order of first appearance). No threshold: bin a continuous column first. A row with a
 * null in any of the columns matches no combination. In analysis.json the facet key is the column names
 * joined with `+` (`"sex+age_band"`) and `value_or_threshold` prints each combination as a tuple
 * (`"(0, 18-25)"`, several joined with `,`).
 */
import type { Column, ColumnTable } from '../core/columns.js';
import { getColumn } from '../core/columns.js';
import { invalid, ValidationError } from '../core/errors.js';

export type CategoryValue = string | number | boolean;

/**
 * Categorical with `values`, continuous with `threshold` (exclusive lower bound of d), one-vs-all with neither.
 * Intersectional with a list of column names: `values` is then a list of combinations (see the module header).
 */
export interface FacetConfig {
  name: string | string[];
  values?: CategoryValue[] | CategoryValue[][];
  threshold?: number;
  /**
   * Set when the rule came from a Clarify list holding one number (`value_or_threshold: [40]`), which Clarify
   * reads as a value or a threshold depending on the column: `inferClarifyKinds` (run-notes) decides from the data.
   */
  kindFromData?: boolean;
}

/** Positive label values, or a threshold (`label > threshold` is positive). Multi-class labels collapse to positive/other. */
export interface LabelConfig {
  name: string;
  values?: CategoryValue[];
  threshold?: number;
  /** As FacetConfig.kindFromData, for `label_values_or_threshold: [0.5]`. */
  kindFromData?: boolean;
}

export interface BiasConfig {
  facets: FacetConfig[];
  label: LabelConfig;
  /** Column of predicted labels, read with the label's positive values / threshold. */
  predictedLabel?: string;
  /** Column of subgroups for CDDL / CDDPL. */
  groupVariable?: string;
  /** Feature columns for FT. Default (as smclarify): every column except this facet, the label and the predicted label. */
  featureColumns?: string[];
}

export interface FacetGroup {
  /** As Clarify prints it: `"1"`, `"C,D"`, `"(0.5, 0.982]"`. */
  valueOrThreshold: string;
  d: Uint8Array;
  a: Uint8Array;
}

export interface ResolvedFacet {
  /** The analysis.json key: the column name, or the columns joined with `+` for an intersection. */
  name: string;
  /** The facet's column(s). */
  columns: string[];
  groups: FacetGroup[];
}

export interface GroupCodes {
  /** Index into `dictionary`, or -1 for a null (such rows carry no weight, as NaN in numpy). */
  codes: Int32Array;
  /** Distinct values, sorted (np.unique order). */
  dictionary: (string | number)[];
}

export interface ResolvedGroups {
  length: number;
  facets: ResolvedFacet[];
  label: Uint8Array;
  labelValueOrThreshold: string;
  predicted?: Uint8Array;
  group?: GroupCodes;
}

export interface ResolveOptions {
  /** One-vs-all refuses facets with more distinct values than this (one mask pair each). Default 1000. */
  maxFacetValues?: number;
}

export function resolveGroups(table: ColumnTable, config: BiasConfig, options: ResolveOptions = {}): ResolvedGroups {
  const labelColumn = requireColumn(table, 'label.name', config.label.name);
  checkRule('label', config.label, labelColumn, true);
  const label = positiveMask(labelColumn, config.label, table.length);
  const labelValueOrThreshold = ruleString(labelColumn, config.label);
  const out: ResolvedGroups = { length: table.length, facets: [], label, labelValueOrThreshold };
  if (config.predictedLabel !== undefined) {
    const predColumn = requireColumn(table, 'predictedLabel', config.predictedLabel);
    if (config.label.threshold !== undefined && !isNumeric(predColumn)) {
      throw invalid('predictedLabel', config.predictedLabel, 'a numeric column, as the label has a threshold');
    }
    out.predicted = positiveMask(predColumn, config.label, table.length);
  }
  if (config.groupVariable !== undefined) out.group = groupCodes(requireColumn(table, 'groupVariable', config.groupVariable));
  config.facets.forEach((facet, i) => {
    const names = facetColumns(facet, `facets[${i}].name`);
    const maxValues = options.maxFacetValues ?? 1000;
    if (names.length > 1) {
      const columns = names.map((name, j) => requireColumn(table, `facets[${i}].name[${j}]`, name));
      out.facets.push({ name: facetKey(names), columns: names, groups: intersectionGroups(columns, facet, table.length, `facets[${i}]`, maxValues) });
      return;
    }
    const column = requireColumn(table, `facets[${i}].name`, names[0]!);
    const rule = { ...facet, name: names[0]! };
    if (rule.values?.some((v) => Array.isArray(v))) throw invalid(`facets[${i}].values`, rule.values, `plain values of the column "${names[0]}" (lists of values are combinations, for a facet over several columns)`);
    checkRule(`facets[${i}]`, rule as SingleRule, column, false);
    out.facets.push({ name: names[0]!, columns: names, groups: facetGroups(column, rule as SingleRule, table.length, `facets[${i}]`, maxValues) });
  });
  return out;
}

type SingleRule = { name: string; values?: CategoryValue[]; threshold?: number };

/** The facet's column names (one, or several for an intersection), checked. */
export function facetColumns(facet: FacetConfig, path: string): string[] {
  const names = Array.isArray(facet.name) ? facet.name : [facet.name];
  if (names.length === 0 || !names.every((n) => typeof n === 'string' && n !== '')) throw invalid(path, facet.name, 'a column name, or a list of column names for an intersectional facet');
  if (new Set(names).size !== names.length) throw invalid(path, facet.name, 'distinct column names');
  return names;
}

/** The analysis.json key of a facet: its column, or its columns joined with `+`. */
export function facetKey(names: readonly string[]): string {
  return names.join('+');
}

/** d = rows whose values of all `columns` form one of the configured combinations; one-vs-all over combinations without. */
function intersectionGroups(columns: Column[], facet: FacetConfig, n: number, path: string, maxValues: number): FacetGroup[] {
  if (facet.threshold !== undefined) throw invalid(`${path}.threshold`, facet.threshold, 'no threshold on a facet over several columns: give value combinations, or none for one combination at a time');
  if (facet.values !== undefined && facet.values.length > 0) {
    const d = new Uint8Array(n);
    const combos = facet.values.map((combo, k) => {
      if (!Array.isArray(combo) || combo.length !== columns.length) {
        throw invalid(`${path}.values[${k}]`, combo, `a combination of ${columns.length} values, one per column (${columns.map((c) => c.name).join(', ')})`);
      }
      return combo;
    });
    const one = new Uint8Array(n);
    for (const combo of combos) {
      one.fill(1);
      combo.forEach((v, j) => {
        const m = positiveMask(columns[j]!, { values: [v] }, n);
        for (let i = 0; i < n; i++) one[i] = one[i]! & m[i]!;
      });
      for (let i = 0; i < n; i++) d[i] = d[i]! | one[i]!;
    }
    const text = combos.map((combo) => tupleString(combo.map((v) => pyStr(v)))).join(',');
    return [{ valueOrThreshold: text, d, a: complement(d) }];
  }
  // One-vs-all: a code per row from each column's first-appearance codes, in mixed radix.
  const perColumn = columns.map(firstAppearanceCodes);
  const combined = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let code = 0;
    for (const c of perColumn) {
      const k = c.codes[i]!;
      if (k < 0) {
        code = -1;
        break;
      }
      code = code * c.values.length + k;
    }
    combined[i] = code;
  }
  const order = new Map<number, number>();
  const firstRow: number[] = [];
  for (let i = 0; i < n; i++) {
    const code = combined[i]!;
    if (code >= 0 && !order.has(code)) {
      order.set(code, order.size);
      firstRow.push(i);
      if (order.size > maxValues) {
        throw new ValidationError([{ path: `${path}.values`, message: `facet "${facetKey(columns.map((c) => c.name))}" has more than ${maxValues} combinations of values; one-vs-all is limited to ${maxValues}: configure value combinations` }]);
      }
    }
  }
  return firstRow.map((row) => {
    const code = combined[row]!;
    const d = new Uint8Array(n);
    for (let i = 0; i < n; i++) d[i] = combined[i] === code ? 1 : 0;
    const text = tupleString(perColumn.map((c, j) => cellString(columns[j]!, c.values[c.codes[row]!]!)));
    return { valueOrThreshold: text, d, a: complement(d) };
  });
}

function tupleString(parts: string[]): string {
  return `(${parts.join(', ')})`;
}

/** Codes in order of first appearance of each non-null value (-1 for null), and the values. */
function firstAppearanceCodes(column: Column): { codes: Int32Array; values: CategoryValue[] } {
  const n = column.values.length;
  const codes = new Int32Array(n).fill(-1);
  const index = new Map<CategoryValue, number>();
  const values: CategoryValue[] = [];
  const add = (i: number, v: CategoryValue) => {
    let k = index.get(v);
    if (k === undefined) {
      k = values.length;
      index.set(v, k);
      values.push(v);
    }
    codes[i] = k;
  };
  if (column.type === 'string') {
    for (let i = 0; i < n; i++) {
      const v = column.values[i];
      if (v !== null && v !== undefined) add(i, v);
    }
  } else if (column.type === 'bool') {
    for (let i = 0; i < n; i++) if (column.valid[i] === 1) add(i, column.values[i] === 1);
  } else {
    for (let i = 0; i < n; i++) {
      const v = column.values[i]!;
      if (!Number.isNaN(v)) add(i, v);
    }
  }
  return { codes, values };
}

function requireColumn(table: ColumnTable, path: string, name: string): Column {
  const column = getColumn(table, name);
  if (!column) throw invalid(path, name, `a column of the dataset (${table.columns.map((c) => c.name).join(', ')})`);
  return column;
}

function checkRule(path: string, rule: SingleRule | LabelConfig, column: Column, required: boolean): void {
  const hasValues = rule.values !== undefined && rule.values.length > 0;
  if (hasValues && rule.threshold !== undefined) throw invalid(path, rule, 'either values or a threshold, not both');
  if (required && !hasValues && rule.threshold === undefined) {
    throw invalid(`${path}.values`, rule.values, 'positive label values or a threshold (Clarify: label_values_or_threshold)');
  }
  if (rule.threshold !== undefined) {
    if (!Number.isFinite(rule.threshold)) throw invalid(`${path}.threshold`, rule.threshold, 'a finite number');
    if (!isNumeric(column)) throw invalid(`${path}.threshold`, rule.threshold, `no threshold on the non-numeric column "${column.name}"`);
  }
}

function isNumeric(column: Column): boolean {
  return column.type !== 'string';
}

function facetGroups(column: Column, facet: SingleRule, n: number, path: string, maxValues: number): FacetGroup[] {
  if (facet.threshold !== undefined || (facet.values && facet.values.length > 0)) {
    const d = positiveMask(column, facet, n);
    return [{ valueOrThreshold: ruleString(column, facet), d, a: complement(d) }];
  }
  // One-vs-all over the distinct non-null values in order of first appearance (pandas `unique()`; nulls left out: their d would be empty).
  const { codes, values: distinct } = firstAppearanceCodes(column);
  if (distinct.length > maxValues) {
    throw new ValidationError([
      { path: `${path}.values`, message: `facet "${column.name}" has ${distinct.length} distinct values; one-vs-all is limited to ${maxValues}: configure values or a threshold` },
    ]);
  }
  return distinct.map((v, k) => {
    const d = new Uint8Array(n);
    for (let i = 0; i < n; i++) d[i] = codes[i] === k ? 1 : 0;
    return { valueOrThreshold: cellString(column, v), d, a: complement(d) };
  });
}

function complement(mask: Uint8Array): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = 1 - mask[i]!;
  return out;
}

/** Rows matching the rule: value among `values`, or value > threshold. */
function positiveMask(column: Column, rule: { values?: CategoryValue[]; threshold?: number }, n: number): Uint8Array {
  const out = new Uint8Array(n);
  if (rule.threshold !== undefined) {
    const t = rule.threshold;
    // (t, max] as Clarify's IntervalIndex is exactly `v > t`: nothing exceeds max, and NaN compares false.
    if (column.type === 'bool') for (let i = 0; i < n; i++) out[i] = column.valid[i] === 1 && column.values[i]! > t ? 1 : 0;
    else if (column.type !== 'string') for (let i = 0; i < n; i++) out[i] = column.values[i]! > t ? 1 : 0;
    return out;
  }
  const values = rule.values ?? [];
  switch (column.type) {
    case 'string': {
      const keys = new Set(values.map((v) => String(v)));
      for (let i = 0; i < n; i++) {
        const v = column.values[i];
        out[i] = v !== null && v !== undefined && keys.has(v) ? 1 : 0;
      }
      return out;
    }
    case 'bool': {
      const keys = new Set(values.map(boolKey).filter((k): k is number => k !== undefined));
      for (let i = 0; i < n; i++) out[i] = column.valid[i] === 1 && keys.has(column.values[i]!) ? 1 : 0;
      return out;
    }
    default: {
      const keys = numericKeys(values);
      if (keys.length === 1) {
        const k = keys[0]!;
        for (let i = 0; i < n; i++) out[i] = column.values[i] === k ? 1 : 0;
      } else {
        const set = new Set(keys);
        for (let i = 0; i < n; i++) out[i] = set.has(column.values[i]!) ? 1 : 0;
      }
      return out;
    }
  }
}

/** Config values as numbers for a numeric column: 1 and "1" (and "1.0") match 1; non-numeric strings match nothing. */
function numericKeys(values: CategoryValue[]): number[] {
  const keys: number[] = [];
  for (const v of values) {
    const k = typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : v.trim() === '' ? NaN : Number(v);
    if (!Number.isNaN(k)) keys.push(k);
  }
  return keys;
}

function boolKey(v: CategoryValue): number | undefined {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v === 1 ? 1 : v === 0 ? 0 : undefined;
  const s = v.trim().toLowerCase();
  return s === 'true' || s === '1' ? 1 : s === 'false' || s === '0' ? 0 : undefined;
}

function groupCodes(column: Column): GroupCodes {
  const n = column.values.length;
  const codes = new Int32Array(n).fill(-1);
  if (column.type === 'string') {
    // One hashing pass with codes in order of appearance, then a remap to the sorted order.
    const values = column.values;
    const index = new Map<string, number>();
    const seen: string[] = [];
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      let code = index.get(v);
      if (code === undefined) {
        code = seen.length;
        index.set(v, code);
        seen.push(v);
      }
      codes[i] = code;
    }
    const order = seen.map((_, i) => i).sort((x, y) => byCodePoint(seen[x]!, seen[y]!));
    const remap = new Int32Array(seen.length);
    order.forEach((old, rank) => (remap[old] = rank));
    for (let i = 0; i < n; i++) if (codes[i]! >= 0) codes[i] = remap[codes[i]!]!;
    return { codes, dictionary: order.map((i) => seen[i]!) };
  }
  const valid = column.type === 'bool' ? column.valid : undefined;
  const values = column.values;
  const distinct = new Set<number>();
  for (let i = 0; i < n; i++) if ((valid ? valid[i] === 1 : true) && !Number.isNaN(values[i]!)) distinct.add(values[i]!);
  const dictionary = Float64Array.from(distinct).sort();
  const index = new Map<number, number>();
  dictionary.forEach((v, i) => index.set(v, i));
  for (let i = 0; i < n; i++) {
    if (valid && valid[i] !== 1) continue;
    const code = index.get(values[i]!);
    if (code !== undefined) codes[i] = code;
  }
  return { codes, dictionary: Array.from(dictionary) };
}

function byCodePoint(x: string, y: string): number {
  // Python sorts str by code point; JS `<` compares UTF-16 units, which differs only beyond the BMP.
  const ax = Array.from(x, (c) => c.codePointAt(0)!);
  const ay = Array.from(y, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(ax.length, ay.length); i++) if (ax[i] !== ay[i]) return ax[i]! - ay[i]!;
  return ax.length - ay.length;
}

/** The `value_or_threshold` / `label_value_or_threshold` string, as smclarify prints it. */
export function ruleString(column: Column, rule: { values?: CategoryValue[]; threshold?: number }): string {
  if (rule.threshold === undefined) return (rule.values ?? []).map(pyStr).join(',');
  const t = rule.threshold;
  let max = -Infinity;
  if (column.type !== 'string') {
    const valid = column.type === 'bool' ? column.valid : undefined;
    for (let i = 0; i < column.values.length; i++) {
      const v = column.values[i]!;
      if ((valid === undefined || valid[i] === 1) && v > max) max = v;
    }
  }
  if (max === -Infinity) return '';
  const breaks = [t];
  // smclarify's quirk: max is appended unless |max| is already a threshold.
  if (Math.abs(max) !== t) breaks.push(max);
  breaks.sort((x, y) => x - y);
  // pandas makes the breaks float64 unless every break is an integer of an integer-typed column.
  const asFloat = column.type === 'float' || column.type === 'timestamp' || !breaks.every(Number.isInteger);
  const fmt = (x: number) => (asFloat ? pyFloat(x) : String(x));
  const intervals: string[] = [];
  for (let i = 1; i < breaks.length; i++) intervals.push(`(${fmt(breaks[i - 1]!)}, ${fmt(breaks[i]!)}]`);
  return intervals.join(',');
}

/** One column value as pandas `unique()` then `str()` prints it. */
function cellString(column: Column, v: CategoryValue): string {
  if (typeof v === 'number' && (column.type === 'float' || column.type === 'timestamp')) return pyFloat(v);
  return pyStr(v);
}

function pyStr(v: CategoryValue): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

/** Python's `repr(float)`: shortest round-trip digits, fixed notation for 1e-4 <= |x| < 1e16, else `1e-05` style. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const rest = digits.slice(1);
    return `${sign}${digits[0]}${rest ? '.' + rest : ''}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || '0'}`;
}
