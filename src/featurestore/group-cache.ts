/**
 * @module featurestore/group-cache
 * Feature group descriptions cached in the process for a short time, so the record hot path (GetRecord,
 * PutRecord) does not read and parse the catalog document on every call. Changes made by this process
 * invalidate at once; changes made by another process show within `maxAgeMs` (SMFS itself documents that
 * feature group updates take minutes to appear).
 */
import type { FeatureGroupRecord } from './context.js';

export class GroupCache {
  private readonly entries = new Map<string, { record: FeatureGroupRecord & { version: number }; at: number }>();

  constructor(private readonly maxAgeMs = 1000) {}

  get(name: string): (FeatureGroupRecord & { version: number }) | undefined {
    const hit = this.entries.get(name);
    if (!hit) return undefined;
    if (performance.now() - hit.at > this.maxAgeMs) {
      this.entries.delete(name);
      return undefined;
    }
    return hit.record;
  }

  set(name: string, record: FeatureGroupRecord & { version: number }): void {
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(name, { record, at: performance.now() });
  }

  invalidate(name: string): void {
    this.entries.delete(name);
  }
}
