/**
 * Service-backed tests read the service URL from the environment (REDIS_URL, DATABASE_URL, ...). Without it
 * they are skipped with a visible message, unless PLUMBLINE_REQUIRE_SERVICES=1 (as .ci/run sets), where a
 * missing service is a failure.
 */
export type ServiceName = 'redis' | 'postgres';

const ENV: Record<ServiceName, string> = { redis: 'REDIS_URL', postgres: 'DATABASE_URL' };

/** The service's URL, or undefined (after printing why) when the test should be skipped. */
export function serviceUrl(name: ServiceName): string | undefined {
  const variable = ENV[name];
  const url = process.env[variable];
  if (url) return url;
  if (process.env.PLUMBLINE_REQUIRE_SERVICES === '1') {
    throw new Error(`${variable} is not set but PLUMBLINE_REQUIRE_SERVICES=1: the ${name} tests must run`);
  }
  console.warn(`[skip] ${name} tests skipped: set ${variable} (e.g. ${name === 'redis' ? 'redis://127.0.0.1:6379' : 'postgres://postgres@127.0.0.1:5432/test'}) to run them`);
  return undefined;
}

/** A unique, lowercase name for a test's own database schema or key prefix. */
export function uniqueTestName(base: string): string {
  return `${base}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`.toLowerCase();
}
