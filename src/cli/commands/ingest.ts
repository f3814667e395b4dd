/**
 * @module cli/commands/ingest
 * `plumbline ingest NAME FILE [--workers N]`: exit 0 when every row landed, 6 when some were rejected.
 */
import type { Command } from 'commander';
import { ERROR_CATALOG } from '../../index.js';
import { intOption, type CommandContext } from '../main.js';

export function registerIngest(program: Command, ctx: CommandContext): void {
  program
    .command('ingest <featureGroup> <file>')
    .description('validate and load a CSV/Parquet/JSONL file into a feature group (online + offline)')
    .option('--workers <n>', 'concurrent online-store batches', intOption('workers', 1, 64), 1)
    .option('--target-stores <stores>', 'OnlineStore,OfflineStore (default: all the group has)')
    .action(async (name: string, file: string, o) => {
      const result = await ctx.withPlatform((p) =>
        p.featureStore.ingest(name, file, {
          workers: o.workers,
          progress: ctx.progress(),
          ...(o.targetStores ? { targetStores: String(o.targetStores).split(',') as ('OnlineStore' | 'OfflineStore')[] } : {}),
        }),
      );
      ctx.out().result(result, () =>
        [
          `ingested ${result.written} of ${result.rows} rows into ${result.featureGroupName} in ${result.seconds.toFixed(2)}s`,
          ...(result.online ? [`online store: ${result.online.applied} records applied, ${result.online.stale} older than the stored version`] : []),
          ...(result.offline ? [`offline store: ${result.offline.files.length} Parquet file(s)`] : []),
          ...(result.rejected > 0 ? [`rejected ${result.rejected} rows:`, ...result.rejections.slice(0, 20).map((r) => `  row ${r.row}: ${r.reason}`)] : []),
          ...(result.rejected > 20 ? [`  ... ${result.rejected - 20} more (use --json for the list)`] : []),
        ].join('\n'),
      );
      if (result.rejected > 0) ctx.exit(ERROR_CATALOG.INGEST_REJECTED_ROWS.exitCode);
    });
}
