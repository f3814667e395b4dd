/**
 * @module test/helpers/cli
 * Runs the real `plumbline` command line (`main`) on a workspace, capturing stdout, stderr and the exit code.
 */
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function runCli(home: string, argv: string[], options: { cwd?: string } = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: options.cwd ?? process.cwd() };
  const code = await main(['--home', home, ...argv], io);
  return { code, out, err };
}
