/**
 * @module server/server
 * `createServer()`: the `plumbline serve` HTTP API, a fastify app that is a thin shell over the platform with
 * one plugin per resource. Errors are problem+json with the error catalog's status. A timer re-reads the
 * catalog so endpoints changed by other processes (the CLI) are picked up.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { PlatformError } from '../core/errors.js';
import type { Platform } from '../platform.js';
import { invocationServerFactory, runtimePathMatcher, sendProblem } from '../serving/index.js';
import type { ServerPlugin } from './plugin.js';
import { DEFAULT_PLUGINS } from './plugins/index.js';

export interface ServerOptions {
  platform: Platform;
  /** Added after the default plugins. */
  plugins?: ServerPlugin[];
  /** Re-read endpoint definitions from the catalog this often (default 2,000 ms; 0 = never). */
  syncIntervalMs?: number;
}

export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const { platform } = options;
  let closing = false;
  // The invocation path is answered straight from node:http (see serving/http); everything else by fastify.
  const app = Fastify({ logger: false, forceCloseConnections: 'idle', serverFactory: invocationServerFactory(platform.endpoints, runtimePathMatcher, () => closing) });
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.setErrorHandler((error, _req, reply) => sendProblem(reply, error));
  app.setNotFoundHandler((req, reply) => sendProblem(reply, new PlatformError('NOT_FOUND', `no route ${req.method} ${req.url}`)));
  for (const plugin of [...DEFAULT_PLUGINS, ...(options.plugins ?? [])]) await plugin.register(app, platform);
  const interval = options.syncIntervalMs ?? 2000;
  if (interval > 0) {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      platform.endpoints
        .sync()
        .catch(() => {})
        .finally(() => {
          running = false;
        });
    }, interval);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }
  return app;
}
