/**
 * Expected volumes: how many contacts start each day on each stream (voice through the IVR, bot sessions,
 * emails), from the target total, the weekday shape and the holiday calendar. The staffing plan is built on
 * these expectations; the realised arrivals add day-level noise and Poisson variation on top.
 */
import type { CalendarDay } from './reference.ts';
import { botOutcomes, channelMix, weekdayFactors, type Stream } from './profiles.ts';
import { civilDate, weekday } from './time.ts';

/** ACD contacts and bot sessions per inbound contact: chat hand-offs, callbacks and redials come on top. */
export const contactsPerInbound = channelMix.voice * 1.025 + channelMix.email + channelMix.bot * (1 + botOutcomes.escalate * 0.85);

export interface VolumePlan {
  /** Expected contacts starting on day i (i may run past the period: the staffing plan covers two more days). */
  expected(stream: Stream, day: number): number;
  /** Calendar entry of day i, if any. */
  calendarDay(day: number): CalendarDay | undefined;
}

export function planVolumes(contacts: number, days: number, firstDay: number, calendar: ReadonlyMap<string, CalendarDay>): VolumePlan {
  const weight = (stream: Stream, day: number) =>
    weekdayFactors[stream][weekday(firstDay + day)]! * (calendar.get(civilDate(firstDay + day))?.factor ?? 1);
  const inbound = contacts / contactsPerInbound;
  const perWeight = new Map<Stream, number>();
  for (const stream of ['voice', 'bot', 'email'] as const) {
    let total = 0;
    for (let d = 0; d < days; d++) total += weight(stream, d);
    perWeight.set(stream, (inbound * channelMix[stream]) / total);
  }
  return {
    expected: (stream, day) => perWeight.get(stream)! * weight(stream, day),
    calendarDay: (day) => calendar.get(civilDate(firstDay + day)),
  };
}
