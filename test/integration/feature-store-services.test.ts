/**
 * The same feature-store scenarios with the catalog on PostgreSQL and the online store on Redis.
 */
import { describe } from 'vitest';
import pg from 'pg';
import { Redis } from 'ioredis';
import { runFeatureStoreScenarios } from '../helpers/feature-store-scenarios.js';
import { serviceUrl, uniqueTestName } from '../helpers/services.js';

const postgres = serviceUrl('postgres');
const redis = serviceUrl('redis');

if (postgres && redis) {
  const schema = uniqueTestName('pl_fs');
  const prefix = uniqueTestName('pl_fs');
  runFeatureStoreScenarios({
    name: 'PostgreSQL catalog + Redis online store',
    config: () => ({ catalog: `${postgres}${postgres.includes('?') ? '&' : '?'}schema=${schema}`, onlineStore: `${redis}?prefix=${prefix}` }),
    async cleanup() {
      const client = new pg.Client({ connectionString: postgres });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
      const r = new Redis(redis);
      const keys = await r.keys(`${prefix}:*`);
      if (keys.length > 0) await r.del(...keys);
      await r.quit();
    },
  });
} else {
  describe.skip('feature store on PostgreSQL + Redis (services not configured)', () => {});
}
