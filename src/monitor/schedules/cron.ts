/**
 * @module monitor/schedules/cron
 * Schedule expressions: SageMaker's `cron(...)` forms (`CronExpressionGenerator`), `NOW` (one execution),
 * plus what Model Monitor never accepted: any 5-field cron (`*\/5 * * * *`) and `rate(N minutes|hours|days)`,
 * down to one minute. Slots are computed in UTC with croner.
 */
import { Cron } from 'croner';
import { invalid } from '../../core/errors.js';

/** The SageMaker SDK's `CronExpressionGenerator`. */
export const CronExpressionGenerator = {
  /** `cron(0 * ? * * *)`: at the start of every hour. */
  hourly(): string {
    return 'cron(0 * ? * * *)';
  },
  /** `cron(0 H ? * * *)`: every day at `hour` UTC. */
  daily(hour = 0): string {
    if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw invalid('hour', hour, 'an integer from 0 to 23');
    return `cron(0 ${hour} ? * * *)`;
  },
  /** `cron(0 H/N ? * * *)`: every `hourInterval` hours from `startingHour`. */
  dailyEveryXHours(hourInterval: number, startingHour = 0): string {
    if (!Number.isInteger(hourInterval) || hourInterval < 1 || hourInterval > 24) throw invalid('hourInterval', hourInterval, 'an integer from 1 to 24');
    if (!Number.isInteger(startingHour) || startingHour < 0 || startingHour > 23) throw invalid('startingHour', startingHour, 'an integer from 0 to 23');
    return `cron(0 ${startingHour}/${hourInterval} ? * * *)`;
  },
  /** The Python SDK's spelling of `dailyEveryXHours`. */
  daily_every_x_hours(hourInterval: number, startingHour = 0): string {
    return CronExpressionGenerator.dailyEveryXHours(hourInterval, startingHour);
  },
  /** `NOW`: one execution, right away (with DataAnalysisStartTime / DataAnalysisEndTime offsets). */
  now(): string {
    return 'NOW';
  },
  /** plumbline: every `minutes` minutes (1 to 59), aligned to the hour. Not accepted by SageMaker. */
  everyMinutes(minutes: number): string {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 59) throw invalid('minutes', minutes, 'an integer from 1 to 59');
    return minutes === 1 ? '* * * * *' : `*/${minutes} * * * *`;
  },
};

export type ParsedSchedule = { kind: 'now'; expression: string } | { kind: 'cron'; expression: string; cron: Cron } | { kind: 'rate'; expression: string; intervalMs: number };

const EXPECTED =
  'a schedule expression: cron(0 * ? * * *) (hourly), cron(0 H ? * * *), cron(0 H/N ? * * *), NOW, a 5-field cron such as "*/5 * * * *", or rate(N minutes|hours|days)';
const RATE_UNITS: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };

export function parseScheduleExpression(expression: string, field = 'ScheduleExpression'): ParsedSchedule {
  const text = typeof expression === 'string' ? expression.trim() : '';
  if (text === '') throw invalid(field, expression, EXPECTED);
  if (text.toUpperCase() === 'NOW') return { kind: 'now', expression: 'NOW' };
  const rate = /^rate\(\s*(\d+)\s+([a-z]+)\s*\)$/i.exec(text);
  if (rate) {
    const unit = RATE_UNITS[rate[2]!.toLowerCase()];
    const n = Number(rate[1]);
    if (!unit || n < 1) throw invalid(field, expression, EXPECTED);
    return { kind: 'rate', expression: text, intervalMs: n * unit };
  }
  let pattern: string;
  const aws = /^cron\((.*)\)$/i.exec(text);
  if (aws) {
    // AWS: minutes hours day-of-month month day-of-week year (year must be * here).
    const f = aws[1]!.trim().split(/\s+/);
    if (f.length !== 6) throw invalid(field, expression, `${EXPECTED} (an AWS cron(...) has 6 fields)`);
    if (f[5] !== '*' && f[5] !== '?') throw invalid(field, expression, `${EXPECTED} (the year field must be *)`);
    const dow = f[4]!.replace(/\d/g, (d) => String((Number(d) + 6) % 7)); // AWS 1-7 = SUN-SAT -> 0-6
    pattern = [f[0], f[1], f[2], f[3], dow].join(' ');
  } else {
    const f = text.split(/\s+/);
    if (f.length !== 5) throw invalid(field, expression, EXPECTED);
    pattern = text;
  }
  try {
    const cron = new Cron(pattern.replace(/\?/g, '*'), { timezone: 'UTC', paused: true, mode: '5-part', sloppyRanges: true });
    if (cron.nextRun(new Date(0)) === null) throw new Error('never fires');
    return { kind: 'cron', expression: text, cron };
  } catch (e) {
    throw invalid(field, expression, `${EXPECTED} (${(e as Error).message.replace(/^CronPattern: /, '')})`);
  }
}

/** The first slot strictly after `t` (epoch ms), or undefined (`NOW` schedules have none). */
export function nextSlot(s: ParsedSchedule, t: number): number | undefined {
  if (s.kind === 'now') return undefined;
  if (s.kind === 'rate') return (Math.floor(t / s.intervalMs) + 1) * s.intervalMs;
  return s.cron.nextRun(new Date(t))?.getTime();
}

/** The latest slot at or before `t`. */
export function latestSlot(s: ParsedSchedule, t: number): number | undefined {
  if (s.kind === 'now') return undefined;
  if (s.kind === 'rate') return Math.floor(t / s.intervalMs) * s.intervalMs;
  const prev = s.cron.previousRuns(1, new Date(t + 1))[0]?.getTime();
  if (prev !== undefined && prev <= t) return prev;
  return s.cron.previousRuns(1, new Date(t))[0]?.getTime();
}

/** The slot before `slot` (for the default window: the previous period). */
export function previousSlot(s: ParsedSchedule, slot: number): number | undefined {
  if (s.kind === 'now') return undefined;
  if (s.kind === 'rate') return slot - s.intervalMs;
  return s.cron.previousRuns(1, new Date(slot))[0]?.getTime();
}
