/**
 * @module core/progress
 * Progress of long work. Use cases report through a `Progress`; the CLI draws a bar on a terminal and
 * stays quiet in pipes; jobs keep the figure for their status.
 */
export interface Progress {
  /** Announce the total amount of work (rows, files, rounds) and what is being done. */
  start(total: number, label?: string): void;
  /** Move forward by `n` units. */
  tick(n?: number): void;
  done(): void;
}

export const noProgress: Progress = { start() {}, tick() {}, done() {} };
