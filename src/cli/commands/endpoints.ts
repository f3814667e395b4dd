/**
 * @module cli/commands/endpoints
 * `plumbline endpoints create|describe|list|update|update-capture|delete|invoke|run`: endpoints with data capture.
 * `run` serves one endpoint with SageMaker's container contract (GET /ping, POST /invocations) until SIGTERM/SIGINT,
 * then stops accepting requests, answers those in flight and flushes their capture before exiting.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createContainerApp, StringDeserializer, ValidationError, type DataCaptureConfigInput, type EndpointDescription, type Platform, type VariantInput } from '../../index.js';
import { intOption, type CommandContext } from '../main.js';

export function registerEndpoints(program: Command, ctx: CommandContext): void {
  const endpoints = program.command('endpoints').description('real-time endpoints with data capture');

  endpoints
    .command('create <name>')
    .description('deploy one or more models behind an endpoint')
    .option('--model <model>', 'the model of a single variant named AllTraffic')
    .option('--variant <name:model:weight>', 'a production variant (repeat for several)', collect, [])
    .option('--capture-destination <uri>', 'turn data capture on, writing to this object-store URI (default model-monitor/data-capture)')
    .option('--capture-sampling <percent>', 'percentage of requests captured (default 20 as SageMaker; turns capture on)', intOption('capture-sampling', 0, 100))
    .option('--capture-options <modes>', 'REQUEST,RESPONSE (default both)')
    .option('--feature-group <name>', 'enrich requests that carry only a record id from this group\'s online store')
    .action(async (name: string, o) => {
      const variants = variantsOf(o.model, o.variant);
      const capture = captureOf(o);
      const d = await ctx.withPlatform((p) =>
        p.endpoints.create({ endpointName: name, variants, ...(capture ? { dataCaptureConfig: capture } : {}), ...(o.featureGroup ? { featureGroupName: o.featureGroup } : {}) }),
      );
      ctx.out().result(d, () => describeEndpoint(d));
    });

  endpoints
    .command('describe <name>')
    .action(async (name: string) => {
      const d = await ctx.withPlatform((p) => p.endpoints.describe(name));
      ctx.out().result(d, () => describeEndpoint(d));
    });

  endpoints
    .command('list')
    .action(async () => {
      const list = await ctx.withPlatform((p) => p.endpoints.list());
      ctx.out().result(list, () =>
        list.length === 0 ? '(no endpoints)' : list.map((e) => `${e.EndpointName}\t${e.EndpointStatus}\t${e.ProductionVariants.map((v) => `${v.VariantName}=${v.ModelName}`).join(',')}\t${e.LastModifiedTime}`).join('\n'),
      );
    });

  endpoints
    .command('update <name>')
    .description('swap models or weights on a live endpoint (no request is dropped)')
    .option('--model <model>', 'one variant AllTraffic with this model')
    .option('--variant <name:model:weight>', 'the new production variants (repeat)', collect, [])
    .option('--feature-group <name>', 'enrichment feature group')
    .option('--no-feature-group', 'turn enrichment off')
    .action(async (name: string, o) => {
      const variants = o.model || o.variant.length > 0 ? variantsOf(o.model, o.variant) : undefined;
      const group = o.featureGroup === false ? null : typeof o.featureGroup === 'string' ? o.featureGroup : undefined;
      const d = await ctx.withPlatform((p) => p.endpoints.update(name, { ...(variants ? { variants } : {}), ...(group !== undefined ? { featureGroupName: group } : {}) }));
      ctx.out().result(d, () => describeEndpoint(d));
    });

  endpoints
    .command('update-capture <name>')
    .description('change data capture on a live endpoint (predictor.update_data_capture_config)')
    .option('--destination <uri>', 'capture destination URI')
    .option('--sampling <percent>', 'sampling percentage', intOption('sampling', 0, 100))
    .option('--capture-options <modes>', 'REQUEST,RESPONSE')
    .option('--csv-content-types <types>', 'default text/csv')
    .option('--json-content-types <types>', 'default application/json')
    .option('--disable', 'turn capture off')
    .action(async (name: string, o) => {
      const d = await ctx.withPlatform(async (p) => {
        if (o.disable) return p.endpoints.updateDataCaptureConfig(name, null);
        const current = (await p.endpoints.describe(name)).DataCaptureConfig;
        const destination: string | undefined = o.destination ?? current?.DestinationS3Uri;
        const cfg: DataCaptureConfigInput = {
          enableCapture: true,
          samplingPercentage: o.sampling ?? current?.CurrentSamplingPercentage ?? 20,
          ...(destination ? { destinationS3Uri: destination } : {}),
          ...(o.captureOptions ? { captureOptions: String(o.captureOptions).split(',') } : {}),
          ...(o.csvContentTypes ? { csvContentTypes: String(o.csvContentTypes).split(',') } : {}),
          ...(o.jsonContentTypes ? { jsonContentTypes: String(o.jsonContentTypes).split(',') } : {}),
        };
        return p.endpoints.updateDataCaptureConfig(name, cfg);
      });
      ctx.out().result(d, () => describeEndpoint(d));
    });

  endpoints
    .command('delete <name>')
    .action(async (name: string) => {
      await ctx.withPlatform((p) => p.endpoints.delete(name));
      ctx.out().result({ deleted: name }, () => `deleted endpoint ${name}`);
    });

  endpoints
    .command('invoke <name>')
    .description('send one request (in process, or to a running server with --url); capture is flushed before exit')
    .option('--body <text>', 'the request body, e.g. "1,92,83,86,96,67"')
    .option('--body-file <file>', 'read the body from a file')
    .option('--content-type <type>', 'text/csv, application/json or application/jsonlines', 'text/csv')
    .option('--accept <type>', 'text/csv or application/json (default: as the request)')
    .option('--target-variant <name>', 'send to this variant')
    .option('--inference-id <id>', 'recorded in the capture')
    .option('--url <url>', 'a running `plumbline serve` (default: in process)')
    .action(async (name: string, o) => {
      if ((o.body === undefined) === (o.bodyFile === undefined)) throw new ValidationError([{ path: '--body', message: 'give the request body with --body or --body-file (one of them)' }]);
      const body: string = o.body ?? (await readFile(o.bodyFile, 'utf8'));
      const request = {
        body,
        contentType: o.contentType as string,
        ...(o.accept ? { accept: o.accept as string } : {}),
        ...(o.targetVariant ? { targetVariant: o.targetVariant as string } : {}),
        ...(o.inferenceId ? { inferenceId: o.inferenceId as string } : {}),
      };
      const r = await ctx.withPlatform(async (p) => {
        if (o.url) {
          const predictor = p.endpoints.predictor(name, { url: o.url });
          predictor.serializer = { contentType: request.contentType, serialize: (d) => String(d) };
          predictor.deserializer = new StringDeserializer(request.accept ?? request.contentType);
          const out = (await predictor.predict(body, request)) as string;
          return { body: out, variant: predictor.lastVariant ?? '' };
        }
        const res = await p.endpoints.invoke(name, request);
        await p.endpoints.flushCapture(name);
        return { body: res.body, variant: res.variant, contentType: res.contentType };
      });
      ctx.out().result(r, () => r.body);
    });

  endpoints
    .command('run <name>')
    .description("serve one endpoint with SageMaker's container contract (GET /ping, POST /invocations) until SIGTERM/SIGINT")
    .option('--port <port>', 'port (0 = any free port)', intOption('port', 0, 65535), 8080)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (name: string, o) => {
      await ctx.withPlatform(async (p) => {
        const app = await createContainerApp(p.endpoints, name, p.metrics);
        await serveUntilSignal(ctx, p, app, o.host, o.port, `endpoint ${name}`);
      });
    });
}

/** Listens, prints the URL, waits for SIGTERM/SIGINT, then closes the server (in-flight requests finish) and flushes capture. */
export async function serveUntilSignal(
  ctx: CommandContext,
  platform: Platform,
  app: { listen(o: { port: number; host: string }): Promise<string>; close(): Promise<unknown>; server: { address(): unknown } },
  host: string,
  port: number,
  what: string,
): Promise<void> {
  await app.listen({ port, host });
  const address = app.server.address() as { port: number };
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  ctx.out().result({ url, serving: what }, () => `serving ${what} on ${url} (stop with Ctrl-C or SIGTERM)`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await app.close();
  await platform.endpoints.close();
  ctx.out().info(`stopped ${what}; capture flushed`);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function variantsOf(model: string | undefined, specs: string[]): VariantInput[] {
  if (model && specs.length > 0) throw new ValidationError([{ path: '--model', message: 'give either --model or --variant, not both' }]);
  if (model) return [{ modelName: model }];
  if (specs.length === 0) throw new ValidationError([{ path: '--model', message: 'give the model to serve with --model MODEL or --variant NAME:MODEL:WEIGHT' }]);
  return specs.map((s) => {
    const parts = s.split(':');
    const weight = parts[2] === undefined ? 1 : Number(parts[2]);
    if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1] || !Number.isFinite(weight)) {
      throw new ValidationError([{ path: '--variant', message: `got ${JSON.stringify(s)}, expected NAME:MODEL:WEIGHT such as blue:my-model:1` }]);
    }
    return { variantName: parts[0], modelName: parts[1], initialWeight: weight };
  });
}

function captureOf(o: { captureDestination?: string; captureSampling?: number; captureOptions?: string }): DataCaptureConfigInput | undefined {
  if (o.captureDestination === undefined && o.captureSampling === undefined && o.captureOptions === undefined) return undefined;
  return {
    enableCapture: true,
    ...(o.captureSampling !== undefined ? { samplingPercentage: o.captureSampling } : {}),
    ...(o.captureDestination !== undefined ? { destinationS3Uri: o.captureDestination } : {}),
    ...(o.captureOptions !== undefined ? { captureOptions: o.captureOptions.split(',') } : {}),
  };
}

function describeEndpoint(d: EndpointDescription): string {
  const lines = [
    `EndpointName        ${d.EndpointName}`,
    `EndpointStatus      ${d.EndpointStatus}${d.FailureReason ? ` (${d.FailureReason})` : ''}`,
    `EndpointConfigName  ${d.EndpointConfigName}`,
    ...d.ProductionVariants.map((v) => `Variant             ${v.VariantName}: model ${v.ModelName}, weight ${v.CurrentWeight}`),
  ];
  const c = d.DataCaptureConfig;
  lines.push(c ? `DataCapture         ${c.CaptureStatus}, ${c.CurrentSamplingPercentage}% -> ${c.DestinationS3Uri}` : 'DataCapture         off');
  lines.push(`LastModifiedTime    ${d.LastModifiedTime}`);
  return lines.join('\n');
}
