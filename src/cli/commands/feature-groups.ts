/**
 * @module cli/commands/feature-groups
 * `plumbline feature-groups create|describe|list|update|delete`.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { inferFeatureDefinitions, parseFeatureSpec, readTable, ValidationError, type FeatureDefinition, type FeatureGroupDescription } from '../../index.js';
import { intOption, type CommandContext } from '../main.js';

export function registerFeatureGroups(program: Command, ctx: CommandContext): void {
  const fg = program.command('feature-groups').alias('fg').description('create and manage feature groups');

  fg.command('create <name>')
    .description('create a feature group (definitions inferred from a data file, as load_feature_definitions does)')
    .requiredOption('--record-id <feature>', 'record identifier feature (e.g. index)')
    .requiredOption('--event-time <feature>', 'event time feature (Fractional unix seconds or ISO-8601 String)')
    .option('--definitions-from <file>', 'CSV/Parquet/JSONL data to infer definitions from, or a JSON list of {FeatureName, FeatureType}')
    .option('--feature <name:type...>', 'explicit definitions, e.g. index:Integral event_time:Fractional')
    .option('--no-online', 'no online store')
    .option('--no-offline', 'no offline store')
    .option('--offline-uri <uri>', 'offline store location inside the object store')
    .option('--ttl <duration>', 'default TTL of online records, e.g. 7d, 12h')
    .option('--description <text>')
    .option('--tag <key=value...>', 'tags')
    .action(async (name: string, o) => {
      const { definitions, notes } = await loadDefinitions(o.definitionsFrom, o.feature);
      const description = await ctx.withPlatform((p) =>
        p.featureStore.createFeatureGroup({
          featureGroupName: name,
          recordIdentifierName: o.recordId,
          eventTimeFeatureName: o.eventTime,
          featureDefinitions: definitions,
          enableOnlineStore: o.online,
          ...(o.offline ? (o.offlineUri ? { s3Uri: o.offlineUri } : {}) : { s3Uri: false as const }),
          ...(o.ttl ? { ttl: o.ttl } : {}),
          ...(o.description ? { description: o.description } : {}),
          ...(o.tag ? { tags: parseTags(o.tag) } : {}),
          notes,
        }),
      );
      ctx.out().result(description, () => describeText(description));
    });

  fg.command('describe <name>')
    .description('show a feature group (SMFS DescribeFeatureGroup fields)')
    .action(async (name: string) => {
      const d = await ctx.withPlatform((p) => p.featureStore.describeFeatureGroup(name));
      ctx.out().result(d, () => describeText(d));
    });

  fg.command('list')
    .description('list feature groups')
    .option('--name-contains <text>')
    .option('--status <status>', 'Creating, Created, CreateFailed, Deleting, DeleteFailed')
    .option('--sort-by <field>', 'Name, FeatureGroupStatus, OfflineStoreStatus, CreationTime')
    .option('--sort-order <order>', 'Ascending or Descending')
    .option('--max-results <n>', '1 to 100', intOption('max-results', 1, 100))
    .option('--next-token <token>')
    .action(async (o) => {
      const page = await ctx.withPlatform((p) =>
        p.featureStore.listFeatureGroups({
          ...(o.nameContains ? { nameContains: o.nameContains } : {}),
          ...(o.status ? { featureGroupStatusEquals: o.status } : {}),
          ...(o.sortBy ? { sortBy: o.sortBy } : {}),
          ...(o.sortOrder ? { sortOrder: o.sortOrder } : {}),
          ...(o.maxResults ? { maxResults: o.maxResults } : {}),
          ...(o.nextToken ? { nextToken: o.nextToken } : {}),
        }),
      );
      ctx.out().result(page, () =>
        [
          ...page.FeatureGroupSummaries.map((s) => `${s.FeatureGroupName}\t${s.FeatureGroupStatus}\t${s.OfflineStoreStatus?.Status ?? '-'}\t${s.CreationTime}`),
          page.FeatureGroupSummaries.length === 0 ? '(no feature groups)' : '',
          page.NextToken ? `next page: --next-token ${page.NextToken}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });

  fg.command('update <name>')
    .description('add features or change the online TTL')
    .option('--add-feature <name:type...>', 'features to add, e.g. score:Fractional')
    .option('--ttl <duration>', 'new default TTL (applies to records written afterwards); "none" removes it')
    .option('--description <text>')
    .action(async (name: string, o) => {
      const additions: FeatureDefinition[] | undefined = o.addFeature?.map((s: string) => parseFeatureSpec(s));
      const d = await ctx.withPlatform((p) =>
        p.featureStore.updateFeatureGroup(name, {
          ...(additions ? { featureAdditions: additions } : {}),
          ...(o.ttl !== undefined ? { ttl: o.ttl === 'none' ? null : o.ttl } : {}),
          ...(o.description !== undefined ? { description: o.description } : {}),
        }),
      );
      ctx.out().result(d, () => describeText(d));
    });

  fg.command('delete <name>')
    .description('delete a feature group: online records go, offline files stay unless --purge')
    .option('--purge', 'also delete the offline store files')
    .action(async (name: string, o) => {
      const r = await ctx.withPlatform((p) => p.featureStore.deleteFeatureGroup(name, { purge: o.purge === true }));
      ctx.out().result(r, () =>
        `deleted feature group ${r.FeatureGroupName}` + (r.offlineDataKeptAt ? `\noffline files kept at ${r.offlineDataKeptAt}` : `\n${r.purgedObjects} offline files deleted`),
      );
    });
}

async function loadDefinitions(file: string | undefined, specs: string[] | undefined): Promise<{ definitions: FeatureDefinition[]; notes: string[] }> {
  if (specs && specs.length > 0) return { definitions: specs.map(parseFeatureSpec), notes: [] };
  if (!file) throw new ValidationError([{ path: '--definitions-from', message: 'give a data file to infer definitions from, or --feature name:type ...' }]);
  if (/\.json$/i.test(file)) {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    const list = Array.isArray(parsed) ? parsed : (parsed as { FeatureDefinitions?: unknown }).FeatureDefinitions;
    if (Array.isArray(list)) return { definitions: list as FeatureDefinition[], notes: [] };
  }
  return inferFeatureDefinitions(await readTable(file));
}

function parseTags(tags: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags) {
    const i = t.indexOf('=');
    if (i < 1) throw new ValidationError([{ path: '--tag', message: `got ${JSON.stringify(t)}, expected KEY=VALUE` }]);
    out[t.slice(0, i)] = t.slice(i + 1);
  }
  return out;
}

function describeText(d: FeatureGroupDescription): string {
  const lines = [
    `FeatureGroupName     ${d.FeatureGroupName}`,
    `FeatureGroupStatus   ${d.FeatureGroupStatus}`,
    `FeatureGroupArn      ${d.FeatureGroupArn}`,
    `RecordIdentifier     ${d.RecordIdentifierFeatureName}`,
    `EventTime            ${d.EventTimeFeatureName}`,
    `CreationTime         ${d.CreationTime}`,
    `OnlineStore          ${d.OnlineStoreConfig ? 'enabled' + (d.OnlineStoreConfig.TtlDuration ? ` (TTL ${d.OnlineStoreConfig.TtlDuration.Value} ${d.OnlineStoreConfig.TtlDuration.Unit})` : '') : 'disabled'}`,
    `OfflineStore         ${d.OfflineStoreConfig ? d.OfflineStoreConfig.S3StorageConfig.ResolvedOutputS3Uri : 'disabled'}`,
    ...(d.OfflineStoreConfig ? [`TableName            ${d.OfflineStoreConfig.DataCatalogConfig.TableName} (or "${d.FeatureGroupName}")`] : []),
    'FeatureDefinitions',
    ...d.FeatureDefinitions.map((f) => `  ${f.FeatureName.padEnd(24)} ${f.FeatureType}`),
    ...(d.Notes ?? []).map((n) => `note: ${n}`),
  ];
  return lines.join('\n');
}
