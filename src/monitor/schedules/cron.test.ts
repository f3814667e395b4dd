import { describe, expect, it } from 'vitest';
import { CronExpressionGenerator, latestSlot, nextSlot, parseOffset, parseScheduleExpression, previousSlot } from './index.js';

const t = (s: string) => Date.parse(s);

describe('schedule expressions', () => {
  it("writes the SDK's CronExpressionGenerator strings", () => {
    expect(CronExpressionGenerator.hourly()).toBe('cron(0 * ? * * *)');
    expect(CronExpressionGenerator.daily()).toBe('cron(0 0 ? * * *)');
    expect(CronExpressionGenerator.daily(5)).toBe('cron(0 5 ? * * *)');
    expect(CronExpressionGenerator.dailyEveryXHours(6, 2)).toBe('cron(0 2/6 ? * * *)');
    expect(CronExpressionGenerator.daily_every_x_hours(3)).toBe('cron(0 0/3 ? * * *)'); // the Python SDK's spelling
    expect(CronExpressionGenerator.now()).toBe('NOW');
    expect(CronExpressionGenerator.everyMinutes(5)).toBe('*/5 * * * *');
    expect(() => CronExpressionGenerator.daily(24)).toThrow(/hour: got 24, expected an integer from 0 to 23/);
    expect(() => CronExpressionGenerator.dailyEveryXHours(0)).toThrow(/hourInterval/);
  });

  it('computes slots in UTC for AWS cron, 5-field cron and rate()', () => {
    const hourly = parseScheduleExpression('cron(0 * ? * * *)');
    expect(nextSlot(hourly, t('2026-11-26T10:30:00Z'))).toBe(t('2026-11-26T11:00:00Z'));
    expect(nextSlot(hourly, t('2026-11-26T11:00:00Z'))).toBe(t('2026-11-26T12:00:00Z'));
    expect(latestSlot(hourly, t('2026-11-26T11:00:00Z'))).toBe(t('2026-11-26T11:00:00Z'));
    expect(latestSlot(hourly, t('2026-11-26T11:59:59.999Z'))).toBe(t('2026-11-26T11:00:00Z'));
    expect(previousSlot(hourly, t('2026-11-26T11:00:00Z'))).toBe(t('2026-11-26T10:00:00Z'));
    const every6 = parseScheduleExpression(CronExpressionGenerator.dailyEveryXHours(6, 2));
    expect(nextSlot(every6, t('2026-11-26T09:00:00Z'))).toBe(t('2026-11-26T14:00:00Z'));
    expect(previousSlot(every6, t('2026-11-26T02:00:00Z'))).toBe(t('2026-11-25T20:00:00Z'));
    const daily = parseScheduleExpression(CronExpressionGenerator.daily(5));
    expect(latestSlot(daily, t('2026-11-26T04:00:00Z'))).toBe(t('2026-11-25T05:00:00Z'));
    const minutes = parseScheduleExpression('*/5 * * * *');
    expect(nextSlot(minutes, t('2026-11-26T10:02:10Z'))).toBe(t('2026-11-26T10:05:00Z'));
    const rate = parseScheduleExpression('rate(1 minute)');
    expect(rate.kind).toBe('rate');
    expect(latestSlot(rate, t('2026-11-26T10:02:10Z'))).toBe(t('2026-11-26T10:02:00Z'));
    expect(parseScheduleExpression('NOW').kind).toBe('now');
    // AWS day-of-week 2 = Monday.
    const monday = parseScheduleExpression('cron(0 8 ? * 2 *)');
    expect(new Date(nextSlot(monday, t('2026-11-26T00:00:00Z'))!).getUTCDay()).toBe(1);
  });

  it('rejects invalid expressions with a clear message', () => {
    for (const bad of ['', 'hourly', 'cron(0 * ? * *)', 'cron(61 * ? * * *)', '* * * *', 'rate(0 minutes)', 'rate(5 fortnights)', 'cron(0 * ? * * 2027)']) {
      expect(() => parseScheduleExpression(bad), bad).toThrow(/ScheduleExpression: got .*expected a schedule expression/);
    }
  });

  it('parses ISO-8601 offsets', () => {
    expect(parseOffset('-PT1H', 'x')).toBe(-3_600_000);
    expect(parseOffset('-P1DT2H', 'x')).toBe(-26 * 3_600_000);
    expect(parseOffset('-PT30M', 'x')).toBe(-1_800_000);
    expect(() => parseOffset('-1h', 'DataAnalysisStartTime')).toThrow(/DataAnalysisStartTime: got "-1h"/);
  });
});
