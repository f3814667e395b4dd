/** @module server  The `plumbline serve` HTTP API: a fastify shell over the platform, one plugin per resource. */
export { createServer, type ServerOptions } from './server.js';
export type { ServerPlugin } from './plugin.js';
export { DEFAULT_PLUGINS } from './plugins/index.js';
