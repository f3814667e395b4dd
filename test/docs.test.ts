import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorsDoc } from '../scripts/gen-errors-doc.js';

describe('docs', () => {
  it('docs/errors.md matches the error catalog (run `npm run docs:errors`)', () => {
    expect(readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8')).toBe(renderErrorsDoc());
  });
});
