/**
 * @module cli/main
 * `main(argv, io) -> exit code`: the `plumbline` command line, a shell over the SDK. One file per resource
 * in commands/; every command takes --json; errors print one line and exit with the catalog's code.
 */
import { Command, CommanderError } from 'commander';
import { createPlatform, type Platform, type Progress } from '../index.js';
import { registerClarify } from './commands/clarify.js';
import { registerDatasets } from './commands/datasets.js';
import { registerDemo } from './commands/demo.js';
import { registerFeatureGroups } from './commands/feature-groups.js';
import { registerIngest } from './commands/ingest.js';
import { registerModels } from './commands/models.js';
import { registerQuery } from './commands/query.js';
import { registerRecords } from './commands/records.js';
import { registerEndpoints } from './commands/endpoints.js';
import { registerCapture } from './commands/capture.js';
import { registerServe } from './commands/serve.js';
import { registerMonitor } from './commands/monitor.js';
import type { CliIo } from './io.js';
import { Output } from './output.js';
import { progressBar } from './progress-bar.js';

export interface CommandContext {
  readonly io: CliIo;
  /** Output for the current invocation (knows --json / --debug). */
  out(): Output;
  /** Opens the workspace platform, runs `fn`, and closes it. */
  withPlatform<T>(fn: (platform: Platform) => Promise<T>): Promise<T>;
  progress(): Progress;
  /** Sets the process exit code (default 0). */
  exit(code: number): void;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const program = new Command('plumbline');
  let exitCode = 0;
  const globals = () => program.opts<{ home?: string; json?: boolean; debug?: boolean }>();
  const out = () => new Output(io, { json: globals().json === true, debug: globals().debug === true });
  const ctx: CommandContext = {
    io,
    out,
    async withPlatform(fn) {
      const home = globals().home;
      const platform = await createPlatform({ ...(home ? { home } : {}), offlineFlushIntervalMs: 0, purgeIntervalMs: 0 });
      try {
        return await fn(platform);
      } finally {
        await platform.close();
      }
    },
    progress: () => progressBar(io, globals().json !== true),
    exit(code) {
      exitCode = code;
    },
  };

  program
    .description('plumbline: feature store, bias, explainability, serving and monitoring on one laptop')
    .option('--home <dir>', 'workspace folder (default: $PLUMBLINE_HOME or ./.plumbline)')
    .option('--json', 'print results as JSON')
    .option('--debug', 'print stack traces on errors')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`error[VALIDATION_FAILED]: ${s.replace(/^error: /, '').trim()}\n`),
    })
    .showHelpAfterError('(run with --help for usage)');

  registerDemo(program, ctx);
  registerDatasets(program, ctx);
  registerFeatureGroups(program, ctx);
  registerIngest(program, ctx);
  registerRecords(program, ctx);
  registerQuery(program, ctx);
  registerModels(program, ctx);
  registerClarify(program, ctx);
  registerEndpoints(program, ctx);
  registerCapture(program, ctx);
  registerServe(program, ctx);
  registerMonitor(program, ctx);
  for (const c of allCommands(program)) c.exitOverride();

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return e.exitCode === 0 ? 0 : 2;
    }
    return out().error(e);
  }
}

function allCommands(c: Command): Command[] {
  return [c, ...c.commands.flatMap((s) => allCommands(s))];
}

/** Parses an integer option with a clear error. */
export function intOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new CommanderError(2, 'commander.invalidArgument', `option --${name}: got "${value}", expected an integer from ${min} to ${max}`);
    return n;
  };
}
