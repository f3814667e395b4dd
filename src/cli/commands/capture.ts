/**
 * @module cli/commands/capture
 * `plumbline capture list|show ENDPOINT [--hour ...]`: the capture files of an endpoint and the request/response
 * pairs they hold, read from the endpoint's capture destination (or --destination).
 */
import type { Command } from 'commander';
import { captureText, listCaptureFiles, readCaptureFile, resolveCaptureSink, ValidationError, type Platform } from '../../index.js';
import { intOption, type CommandContext } from '../main.js';

export function registerCapture(program: Command, ctx: CommandContext): void {
  const capture = program.command('capture').description('data captured by endpoints (SageMaker Model Monitor format)');
  const common = (c: Command) =>
    c
      .option('--hour <hour>', 'only this hour (2026-11-26T09 or 2026/11/26/09; a day works too)')
      .option('--variant <name>', 'only this variant')
      .option('--destination <uri>', 'capture destination (default: the endpoint\'s)');

  common(capture.command('list <endpoint>').description('capture files, oldest first')).action(async (endpoint: string, o) => {
    const files = await ctx.withPlatform(async (p) => (await captureFiles(p, endpoint, o)).files);
    ctx.out().result(files, () => (files.length === 0 ? '(no capture files)' : files.map((f) => `${f.variant}\t${f.hour}\t${f.size}\t${f.uri}`).join('\n')));
  });

  common(capture.command('show <endpoint>').description('captured request/response pairs'))
    .option('--limit <n>', 'at most this many pairs (newest last)', intOption('limit', 1, 1_000_000), 100)
    .action(async (endpoint: string, o) => {
      const pairs = await ctx.withPlatform(async (p) => {
        const { sink, files } = await captureFiles(p, endpoint, o);
        const out: { file: string; variant: string; inferenceTime?: string; eventId?: string; inferenceId?: string; input?: string; output?: string; inputContentType?: string; outputContentType?: string }[] = [];
        for (const f of files) {
          for (const r of await readCaptureFile(sink, f)) {
            const m = r.eventMetadata ?? {};
            const input = captureText(r.captureData.endpointInput);
            const output = captureText(r.captureData.endpointOutput);
            out.push({
              file: f.uri,
              variant: f.variant,
              ...(m.inferenceTime ? { inferenceTime: m.inferenceTime } : {}),
              ...(m.eventId ? { eventId: m.eventId } : {}),
              ...(m.inferenceId ? { inferenceId: m.inferenceId } : {}),
              ...(input !== undefined ? { input, inputContentType: r.captureData.endpointInput!.observedContentType } : {}),
              ...(output !== undefined ? { output, outputContentType: r.captureData.endpointOutput!.observedContentType } : {}),
            });
          }
        }
        return out.slice(-o.limit);
      });
      ctx.out().result(pairs, () =>
        pairs.length === 0 ? '(no captured pairs)' : pairs.map((x) => `${x.inferenceTime ?? '-'}  ${x.variant}  ${oneLine(x.input ?? '-')}  ->  ${oneLine(x.output ?? '-')}${x.inferenceId ? `  (inference id ${x.inferenceId})` : ''}`).join('\n'),
      );
    });
}

/** The capture files of `endpoint` (its destination, or --destination) matching --hour / --variant. */
async function captureFiles(p: Platform, endpoint: string, o: { destination?: string; hour?: string; variant?: string }) {
  const sink = resolveCaptureSink(p.objectStore, await destinationOf(p, endpoint, o.destination));
  const files = await listCaptureFiles(sink, endpoint, { ...(o.hour ? { hour: o.hour } : {}), ...(o.variant ? { variant: o.variant } : {}) });
  return { sink, files };
}

async function destinationOf(p: Platform, endpoint: string, given: string | undefined): Promise<string> {
  if (given) return given;
  const d = await p.endpoints.describe(endpoint);
  if (!d.DataCaptureConfig) throw new ValidationError([{ path: 'endpoint', message: `endpoint "${endpoint}" has no data capture; pass --destination to read a capture folder` }]);
  return d.DataCaptureConfig.DestinationS3Uri;
}

function oneLine(s: string): string {
  const t = s.replace(/\s*\n\s*/g, ' | ');
  return t.length > 120 ? t.slice(0, 117) + '...' : t;
}
