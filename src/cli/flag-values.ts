/**
 * @module cli/flag-values
 * Turns the text of a flag into the value it names: a comma-separated list, a number, an integer, or the JSON
 * in a file. Bad text is a validation error naming the flag.
 */
import { readFile } from 'node:fs/promises';
import { ValidationError } from '../core/errors.js';

/** `a, b,,c` -> ['a', 'b', 'c']. */
export function listFlag(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export function numberFlag(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new ValidationError([{ path: flag, message: `got ${JSON.stringify(text)}, expected a number` }]);
  return n;
}

export function integerFlag(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n)) throw new ValidationError([{ path: flag, message: `got ${JSON.stringify(text)}, expected an integer` }]);
  return n;
}

export async function readJsonFile(path: string, flag: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ValidationError([{ path: flag, message: `cannot read ${JSON.stringify(path)} (${(e as Error).message})` }]);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ValidationError([{ path: flag, message: `${JSON.stringify(path)} is not valid JSON (${(e as Error).message})` }]);
  }
}
