/**
 * @module cli/progress-bar
 * A progress bar on stderr when it is a terminal; silent in pipes and with --json.
 */
import type { Progress } from '../index.js';
import type { CliIo } from './io.js';

export function progressBar(io: CliIo, enabled: boolean): Progress {
  if (!enabled || !io.stderr.isTTY) return { start() {}, tick() {}, done() {} };
  let total = 0;
  let done = 0;
  let label = '';
  let lastDraw = 0;
  const started = Date.now();
  const draw = (force = false): void => {
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    const width = Math.max(10, Math.min(40, (io.stderr.columns ?? 80) - label.length - 30));
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(fraction * width);
    const seconds = ((now - started) / 1000).toFixed(1);
    io.stderr.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${seconds}s`);
  };
  return {
    start(t, l) {
      total = t;
      done = 0;
      label = l ?? '';
      draw(true);
    },
    tick(n = 1) {
      done += n;
      draw();
    },
    done() {
      done = total;
      draw(true);
      io.stderr.write('\n');
    },
  };
}
