/** @module cli/run  The process entry of the `plumbline` binary. */
import { main } from './main.js';
import { processIo } from './io.js';

const code = await main(process.argv.slice(2), processIo());
process.exitCode = code;
