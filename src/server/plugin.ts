/**
 * @module server/plugin
 * A server plugin: one resource's routes over the platform. `plumbline serve` registers `DEFAULT_PLUGINS`
 * plus any passed to `createServer`, so other modules add their routes without touching the server.
 */
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../platform.js';

export interface ServerPlugin {
  name: string;
  register(app: FastifyInstance, platform: Platform): Promise<void>;
}
