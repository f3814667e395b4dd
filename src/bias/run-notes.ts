/**
 * @module bias/run-notes
 * What a bias report says about its inputs beyond the metrics: the type each label / facet column was read
 * as (following the configuration, and where Clarify's 5%-unique guess would differ, what it would have
 * done), and warnings a person should see, such as a label or predicted label with only one class.
 */
import { getColumn, type Column, type ColumnTable } from '../core/columns.js';
import type { BiasConfig, CategoryValue, ResolvedGroups } from './groups.js';

/** One line per label / facet column: the type used, e.g. "column types: `sex` (int) categorical, d = `0`". */
export function columnTypeNotes(table: ColumnTable, config: BiasConfig): string[] {
  const notes: string[] = [];
  const label = getColumn(table, config.label.name);
  if (label) notes.push(typeNote('label', label, config.label, 'positive'));
  for (const facet of config.facets) {
    if (Array.isArray(facet.name)) {
      notes.push(`column types: facet \`${facet.name.join(' x ')}\` is intersectional, read as categorical combinations of its columns`);
      continue;
    }
    const column = getColumn(table, facet.name as string);
    if (column) notes.push(typeNote('facet', column, facet as { values?: CategoryValue[]; threshold?: number }, 'd'));
  }
  return notes;
}

function typeNote(role: 'label' | 'facet', column: Column, rule: { values?: CategoryValue[]; threshold?: number }, side: 'positive' | 'd'): string {
  const ours = rule.threshold !== undefined ? 'continuous' : 'categorical';
  const what =
    rule.threshold !== undefined
      ? `${side} when > ${rule.threshold}`
      : rule.values && rule.values.length > 0
        ? `${side} when in [${rule.values.map((v) => String(v)).join(', ')}]`
        : 'one report per distinct value';
  const clarify = clarifyGuess(column, rule);
  const hasValues = rule.values !== undefined && rule.values.length > 0;
  const consequence = clarify === 'continuous' ? (hasValues ? ', i.e. the configured value as a threshold' : ' and ask for a threshold') : '';
  const differs = clarify !== ours ? ` (Clarify's type guess would read it as ${clarify}${consequence}; plumbline follows the configuration)` : '';
  return `column types: ${role} \`${column.name}\` (${column.type} column) read as ${ours}, ${what}${differs}`;
}

/** smclarify's `series_datatype`: categorical with several configured values or a bool; float continuous; int (or an int-like string) continuous at ≥ 5% distinct values. */
export function clarifyGuess(column: Column, rule: { values?: CategoryValue[]; threshold?: number }): 'categorical' | 'continuous' {
  if (rule.values && rule.values.length > 1) return 'categorical';
  if (column.type === 'bool') return 'categorical';
  if (column.type === 'float') return 'continuous';
  if (column.type === 'timestamp') return 'continuous';
  const n = column.values.length;
  let count = 0;
  const seen = new Set<string | number>();
  if (column.type === 'string') {
    for (let i = 0; i < n; i++) {
      const v = column.values[i];
      if (v === null || v === undefined) continue;
      if (!/^\s*[+-]?\d+\s*$/.test(v)) return 'categorical';
      count++;
      seen.add(v.trim());
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = column.values[i]!;
      if (Number.isNaN(v)) continue;
      count++;
      seen.add(v);
    }
  }
  return count > 0 && seen.size / count >= 0.05 ? 'continuous' : 'categorical';
}

/** Warnings about the resolved masks: a label or predicted label with a single class. */
export function groupWarnings(groups: ResolvedGroups, config: BiasConfig, usePredicted: boolean): string[] {
  const warnings: string[] = [];
  const one = (mask: Uint8Array, field: string, column: string) => {
    let positives = 0;
    for (let i = 0; i < mask.length; i++) positives += mask[i]!;
    if (mask.length > 0 && (positives === 0 || positives === mask.length)) {
      const side = positives === 0 ? 'negative' : 'positive';
      warnings.push(
        `${field} \`${column}\` has only one class: all ${mask.length} rows are ${side} (positive: \`${groups.labelValueOrThreshold}\`); metrics that compare outcomes between groups are 0 or fail`,
      );
    }
  };
  one(groups.label, 'label', config.label.name);
  if (usePredicted && groups.predicted && config.predictedLabel !== undefined) one(groups.predicted, 'predicted label', config.predictedLabel);
  return warnings;
}

/**
 * Resolves the rules Clarify would type from the data (`kindFromData`, a one-number list in analysis_config.json):
 * a threshold where Clarify reads the column as continuous (a float column; an int column with ≥ 5% distinct
 * values), except on a column with at most two distinct values, where a threshold would leave one side empty
 * (Clarify's quirk on small 0/1 columns); a value otherwise. Returns a config without the flags.
 */
export function inferClarifyKinds(table: ColumnTable, config: BiasConfig): BiasConfig {
  const decide = <R extends { values?: unknown[]; threshold?: number; kindFromData?: boolean }>(name: string, rule: R): R => {
    if (!rule.kindFromData) return rule;
    const { kindFromData: _flag, ...plain } = rule;
    const column = getColumn(table, name);
    const v = rule.values?.[0];
    if (!column || (column.type !== 'int' && column.type !== 'float') || typeof v !== 'number' || rule.values!.length !== 1) return plain as R;
    if (clarifyGuess(column, { values: [v] }) !== 'continuous' || distinctAtMost(column.values, 2)) return plain as R;
    const { values: _values, ...rest } = plain;
    return { ...rest, threshold: v } as R;
  };
  const out: BiasConfig = { ...config, label: decide(config.label.name, config.label) };
  out.facets = config.facets.map((f) => (Array.isArray(f.name) ? f : decide(f.name as string, f)));
  return out;
}

function distinctAtMost(values: Float64Array, k: number): boolean {
  const seen = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v) || seen.has(v)) continue;
    seen.add(v);
    if (seen.size > k) return false;
  }
  return true;
}
