/**
 * @module featurestore/dataset/dataset-spec
 * The JSON form of a dataset (for `plumbline dataset build spec.json`), e.g.
 *
 * ```json
 * { "base": { "file": "entities.csv", "recordIdentifierName": "index", "eventTimeFeatureName": "event_time" },
 *   "featureGroups": [{ "name": "scores", "includedFeatureNames": ["score"], "joinType": "LEFT_JOIN", "ttl": "7d" }],
 *   "pointInTimeAccurateJoin": true, "numberOfRecordsFromQueryResults": 100 }
 * ```
 *
 * `base` is `{ featureGroup }` or `{ file, recordIdentifierName, eventTimeFeatureName, eventTimeType? }`.
 * Times (`asOf`, `eventTimeRange`) are ISO-8601 strings or epoch milliseconds. Unknown keys are errors,
 * so a typo never silently drops an option. Every error is a ValidationError whose path names the field.
 */
import { z } from 'zod';
import { isPlatformError, ValidationError, type Issue } from '../../core/errors.js';
import type { ColumnTable } from '../../core/columns.js';
import { parseTtl, ttlToMs } from '../../core/time.js';
import type { OfflineGroup } from '../model.js';
import { DatasetBuilder } from './dataset-builder.js';
import { JOIN_TYPES } from './dataset-plan.js';

const name = z.string().min(1);
const time = z.union([z.string().min(1), z.number()]);
const count = z.number().int().min(0);

const baseSchema = z
  .strictObject({
    featureGroup: name.optional(),
    file: name.optional(),
    recordIdentifierName: name.optional(),
    eventTimeFeatureName: name.optional(),
    eventTimeType: z.enum(['String', 'Fractional']).optional(),
    includedFeatureNames: z.array(name).optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.featureGroup === undefined) === (b.file === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'give exactly one of "featureGroup" or "file"' });
      return;
    }
    if (b.file !== undefined) {
      for (const k of ['recordIdentifierName', 'eventTimeFeatureName'] as const) {
        if (b[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'required when the base is a file' });
      }
    } else {
      for (const k of ['recordIdentifierName', 'eventTimeFeatureName', 'eventTimeType'] as const) {
        if (b[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'only for a file base (a feature group has its own)' });
      }
    }
  });

export const datasetSpecSchema = z.strictObject({
  base: baseSchema,
  featureGroups: z
    .array(
      z.strictObject({
        name,
        includedFeatureNames: z.array(name).optional(),
        targetFeatureNameInBase: name.optional(),
        featureNameInTarget: name.optional(),
        joinType: z.enum(JOIN_TYPES as [string, ...string[]]).optional(),
        ttl: z.union([z.string(), z.strictObject({ Unit: z.string(), Value: z.number() })]).optional(),
      }),
    )
    .default([]),
  pointInTimeAccurateJoin: z.boolean().default(false),
  includeDuplicatedRecords: z.boolean().default(false),
  includeDeletedRecords: z.boolean().default(false),
  asOf: time.optional(),
  eventTimeRange: z.strictObject({ start: time.optional(), end: time.optional() }).optional(),
  numberOfRecentRecordsByRecordIdentifier: count.optional(),
  numberOfRecordsFromQueryResults: count.optional(),
});

export type DatasetSpec = z.input<typeof datasetSpecSchema>;

/** Validates a parsed JSON spec; ValidationError listing every bad field. */
export function parseDatasetSpec(spec: unknown): z.output<typeof datasetSpecSchema> {
  const result = datasetSpecSchema.safeParse(spec);
  if (result.success) return result.data;
  const issues: Issue[] = result.error.issues.flatMap((i) => {
    const path = formatPath(i.path);
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ path: formatPath([...i.path, k]), message: 'unknown field' }));
    return [{ path, message: i.message }];
  });
  return fail(issues);
}

/**
 * Builds a DatasetBuilder from a JSON spec. Groups are resolved and files loaded through the callbacks
 * (so the CLI decides where names and paths point); errors from them propagate unchanged.
 */
export async function builderFromSpec(
  spec: unknown,
  resolveGroup: (name: string) => Promise<OfflineGroup>,
  loadTable: (path: string) => Promise<ColumnTable>,
): Promise<DatasetBuilder> {
  const s = parseDatasetSpec(spec);
  const b = s.base;
  const included = b.includedFeatureNames ? { includedFeatureNames: b.includedFeatureNames } : {};
  let builder: DatasetBuilder;
  if (b.featureGroup !== undefined) {
    const group = await resolveGroup(b.featureGroup);
    builder = at('base', () => new DatasetBuilder(group, included));
  } else {
    const table = await loadTable(b.file!);
    builder = at('base', () =>
      new DatasetBuilder(
        {
          table,
          recordIdentifierName: b.recordIdentifierName!,
          eventTimeFeatureName: b.eventTimeFeatureName!,
          ...(b.eventTimeType ? { eventTimeType: b.eventTimeType } : {}),
        },
        included,
      ),
    );
  }
  const groups = await Promise.all(s.featureGroups.map((g) => resolveGroup(g.name)));
  s.featureGroups.forEach((g, i) => {
    at(`featureGroups[${i}]`, () => {
      const ttlMs = g.ttl === undefined ? undefined : ttlToMs(parseTtl(g.ttl as Parameters<typeof parseTtl>[0], 'ttl'));
      builder.withFeatureGroup(groups[i]!, {
        ...(g.includedFeatureNames ? { includedFeatureNames: g.includedFeatureNames } : {}),
        ...(g.targetFeatureNameInBase ? { targetFeatureNameInBase: g.targetFeatureNameInBase } : {}),
        ...(g.featureNameInTarget ? { featureNameInTarget: g.featureNameInTarget } : {}),
        ...(g.joinType ? { joinType: g.joinType as (typeof JOIN_TYPES)[number] } : {}),
        ...(ttlMs !== undefined ? { ttlMs } : {}),
      });
    });
  });
  if (s.pointInTimeAccurateJoin) builder.pointInTimeAccurateJoin();
  if (s.includeDuplicatedRecords) builder.includeDuplicatedRecords();
  if (s.includeDeletedRecords) builder.includeDeletedRecords();
  if (s.asOf !== undefined) builder.asOf(s.asOf);
  if (s.eventTimeRange) builder.withEventTimeRange(s.eventTimeRange.start, s.eventTimeRange.end);
  if (s.numberOfRecentRecordsByRecordIdentifier !== undefined) builder.withNumberOfRecentRecordsByRecordIdentifier(s.numberOfRecentRecordsByRecordIdentifier);
  if (s.numberOfRecordsFromQueryResults !== undefined) builder.withNumberOfRecordsFromQueryResults(s.numberOfRecordsFromQueryResults);
  builder.plan(); // surface order-independent errors (e.g. point-in-time join without a group) now
  return builder;
}

/** Runs `fn`, re-throwing its ValidationError with every issue path under `prefix`. */
function at<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isPlatformError(e) && e.code === 'VALIDATION_FAILED' && 'issues' in e) {
      const issues = (e as ValidationError).issues.map((i) => ({ path: i.path ? `${prefix}.${i.path}` : prefix, message: i.message }));
      throw new ValidationError(issues);
    }
    throw e;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function fail(issues: Issue[]): never {
  throw new ValidationError(issues.length ? issues : [{ path: '', message: 'invalid dataset spec' }]);
}
