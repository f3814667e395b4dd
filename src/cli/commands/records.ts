/**
 * @module cli/commands/records
 * `plumbline records get|put|delete|batch-get|list`: the SMFS runtime from the command line.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ValidationError, type BatchGetIdentifier, type RecordInput } from '../../index.js';
import { intOption, type CommandContext } from '../main.js';

export function registerRecords(program: Command, ctx: CommandContext): void {
  const records = program.command('records').description('read and write single records (online store)');

  records
    .command('get <featureGroup> <recordId>')
    .description('latest record from the online store')
    .option('--features <names>', 'comma-separated feature names')
    .option('--expiration', 'include ExpiresAt')
    .action(async (name: string, id: string, o) => {
      const r = await ctx.withPlatform((p) =>
        p.featureStore.getRecord(name, id, {
          ...(o.features ? { featureNames: String(o.features).split(',') } : {}),
          ...(o.expiration ? { expirationTimeResponse: 'Enabled' as const } : {}),
        }),
      );
      ctx.out().result(r, () =>
        r.Record ? [...r.Record.map((f) => `${f.FeatureName.padEnd(24)} ${f.ValueAsString}`), ...(r.ExpiresAt ? [`ExpiresAt                ${r.ExpiresAt}`] : [])].join('\n') : `no record "${id}" in ${name}`,
      );
    });

  records
    .command('put <featureGroup>')
    .description('write one record (online: if its event time is >= the stored one; offline: always)')
    .requiredOption('--record <json>', 'a JSON object {"feature": value} or a list of {FeatureName, ValueAsString}')
    .option('--target-stores <stores>', 'OnlineStore,OfflineStore')
    .option('--ttl <duration>', 'record-level TTL, e.g. 1h')
    .action(async (name: string, o) => {
      const record = parseJsonOption<RecordInput>('--record', o.record);
      const r = await ctx.withPlatform((p) =>
        p.featureStore.putRecord(name, record, {
          ...(o.targetStores ? { targetStores: String(o.targetStores).split(',') as ('OnlineStore' | 'OfflineStore')[] } : {}),
          ...(o.ttl ? { ttlDuration: o.ttl } : {}),
        }),
      );
      ctx.out().result(r, () =>
        [
          r.onlineApplied === null ? 'online: not written' : r.onlineApplied ? 'online: stored' : 'online: kept the newer stored version (this event time is older)',
          r.offlineWritten ? 'offline: appended' : 'offline: not written',
        ].join('\n'),
      );
    });

  records
    .command('delete <featureGroup> <recordId>')
    .description('delete a record (soft by default); a marker is appended to the offline store')
    .requiredOption('--event-time <time>', 'event time of the delete (must be later than the stored record)')
    .option('--hard', 'HardDelete: remove the record instead of nulling it')
    .option('--target-stores <stores>', 'OnlineStore,OfflineStore')
    .action(async (name: string, id: string, o) => {
      const r = await ctx.withPlatform((p) =>
        p.featureStore.deleteRecord(name, id, o.eventTime, {
          deletionMode: o.hard ? 'HardDelete' : 'SoftDelete',
          ...(o.targetStores ? { targetStores: String(o.targetStores).split(',') as ('OnlineStore' | 'OfflineStore')[] } : {}),
        }),
      );
      ctx.out().result(r, () => `online: ${r.online ?? 'not touched'}\noffline marker: ${r.offlineMarker ? 'appended' : 'none'}`);
    });

  records
    .command('batch-get')
    .description('BatchGetRecord across feature groups')
    .requiredOption('--input <file>', 'JSON file: {"Identifiers": [{"FeatureGroupName", "RecordIdentifiersValueAsString": [...], "FeatureNames"?}]} or the list itself')
    .action(async (o) => {
      const parsed = parseJsonOption<{ Identifiers?: BatchGetIdentifier[] } | BatchGetIdentifier[]>('--input', await readFile(o.input, 'utf8'));
      const identifiers = Array.isArray(parsed) ? parsed : parsed.Identifiers;
      if (!Array.isArray(identifiers)) throw new ValidationError([{ path: 'Identifiers', message: 'expected a list of identifiers' }]);
      const r = await ctx.withPlatform((p) => p.featureStore.batchGetRecord(identifiers));
      ctx.out().result(r);
    });

  records
    .command('list <featureGroup>')
    .description('record identifiers in the online store')
    .option('--max-results <n>', '1 to 100', intOption('max-results', 1, 100))
    .option('--next-token <token>')
    .option('--include-soft-deleted')
    .action(async (name: string, o) => {
      const r = await ctx.withPlatform((p) =>
        p.featureStore.listRecords(name, {
          ...(o.maxResults ? { maxResults: o.maxResults } : {}),
          ...(o.nextToken ? { nextToken: o.nextToken } : {}),
          includeSoftDeletedRecords: o.includeSoftDeleted === true,
        }),
      );
      ctx.out().result(r, () => [...r.RecordIdentifiers, ...(r.NextToken ? [`next page: --next-token ${r.NextToken}`] : [])].join('\n'));
    });
}

function parseJsonOption<T>(flag: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new ValidationError([{ path: flag, message: `is not valid JSON (${(e as Error).message})` }]);
  }
}
