/**
 * Cron arithmetic on top of croner, in an IANA time zone.
 *
 * Daylight saving: croner moves an occurrence that falls in the spring-forward gap forward by the
 * gap (a 02:30 job runs at 03:30 that night) and yields a repeated wall-clock time of the
 * fall-back night once. Occurrences are keyed by their local wall-clock time, so even a repeated
 * 02:30 could never be enqueued twice for one schedule.
 */
import { Cron } from 'croner';
import { FeedmillError } from '../errors.js';

export function compileCron(pattern: string, tz: string): Cron {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch (err) {
    throw new FeedmillError('FEEDMILL_SCHEDULE_INVALID', `unknown time zone ${JSON.stringify(tz)}; use an IANA name such as Europe/Paris`, { tz }, { cause: err });
  }
  try {
    return new Cron(pattern, { timezone: tz, paused: true });
  } catch (err) {
    throw new FeedmillError(
      'FEEDMILL_SCHEDULE_INVALID',
      `invalid cron expression ${JSON.stringify(pattern)}: ${(err as Error).message}; use five fields such as "0 2 * * *"`,
      { cron: pattern },
      { cause: err },
    );
  }
}

/** The first occurrence strictly after `after` (epoch ms), or null when the pattern never fires again. */
export function nextOccurrence(cron: Cron, after: number): number | null {
  return cron.nextRun(new Date(after))?.getTime() ?? null;
}

/**
 * The latest occurrence in (after, now], or null. Looks back from `now` in growing windows, so a
 * minutely schedule that was down for a month costs a few dozen steps, not 43,200.
 */
export function latestOccurrence(cron: Cron, after: number, now: number): number | null {
  if (now <= after) return null;
  for (let span = 60_000; ; span *= 4) {
    const from = Math.max(after, now - span);
    let found = nextOccurrence(cron, from);
    if (found !== null && found <= now) {
      for (let n = nextOccurrence(cron, found); n !== null && n <= now; n = nextOccurrence(cron, n)) found = n;
      return found;
    }
    if (from === after) return null;
  }
}

/** "2025-03-30T03:30:00": the wall-clock time of `at` in `tz`. */
export function localKey(at: number, tz: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
}
