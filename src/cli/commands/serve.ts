/**
 * @module cli/commands/serve
 * `plumbline serve`: the HTTP API (endpoints and their SageMaker-runtime invocation path, /metrics, /ping) and the
 * monitoring scheduler, until
 * SIGTERM/SIGINT; on a signal it stops accepting, answers the requests in flight and flushes capture.
 */
import type { Command } from 'commander';
import { createServer } from '../../index.js';
import { intOption, type CommandContext } from '../main.js';
import { serveUntilSignal } from './endpoints.js';

export function registerServe(program: Command, ctx: CommandContext): void {
  program
    .command('serve')
    .description('run the HTTP API: POST /endpoints/NAME/invocations (the SageMaker runtime path), /endpoints, /metrics; runs the monitoring schedules')
    .option('--port <port>', 'port (0 = any free port)', intOption('port', 0, 65535), 8080)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (o) => {
      await ctx.withPlatform(async (p) => {
        const app = await createServer({ platform: p });
        p.monitor.startScheduler();
        await serveUntilSignal(ctx, p, app, o.host, o.port, 'the plumbline API');
      });
    });
}
