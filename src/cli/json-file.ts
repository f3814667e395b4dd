/**
 * @module cli/json-file
 * Reads a JSON file named by a flag; a missing or malformed file is a validation error naming the flag.
 */
import { readFile } from 'node:fs/promises';
import { ValidationError } from '../core/errors.js';

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
