/**
 * Writes docs/errors.md from the error catalog (`npm run docs:errors`); a test fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { ERROR_CATALOG } from '../src/core/error-catalog.js';

export function renderErrorsDoc(): string {
  const rows = Object.entries(ERROR_CATALOG).map(([code, e]) => `| \`${code}\` | ${e.title} | ${e.status} | ${e.exitCode} | ${e.retryable ? 'yes' : 'no'} |`);
  return [
    '# Error codes',
    '',
    '<!-- generated from src/core/error-catalog.ts by `npm run docs:errors`; do not edit by hand -->',
    '',
    'Every error plumbline raises carries one of these codes. The CLI prints `error[CODE]: message` and exits',
    'with the exit code; the HTTP API answers with the status and a problem+json body whose `code` is the code.',
    '',
    '| code | title | HTTP status | CLI exit code | retryable |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv[1]?.endsWith('gen-errors-doc.ts')) {
  writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
}
