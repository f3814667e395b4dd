/**
 * @module core/json
 * JSON that survives NaN, Infinity and BigInt. JSON has no non-finite numbers: they are written as the
 * strings "NaN", "Infinity" and "-Infinity" (as Clarify writes them) and BigInts as decimal numbers when safe.
 */
export function toJsonSafe(value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    return value;
  }
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>, toJsonSafe);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonSafe(v);
    return out;
  }
  return value;
}

export function stringifyJson(value: unknown, indent?: number): string {
  return JSON.stringify(toJsonSafe(value), null, indent);
}

/** Parses JSON, turning the strings "NaN", "Infinity", "-Infinity" back into numbers where `revive` is set. */
export function parseJson<T = unknown>(text: string, options: { reviveNonFinite?: boolean } = {}): T {
  if (!options.reviveNonFinite) return JSON.parse(text) as T;
  return JSON.parse(text, (_k, v) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v)) as T;
}
