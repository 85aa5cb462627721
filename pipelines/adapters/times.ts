/** Time values as adapters hand them to the pipeline: local wall clock text or UTC instants with Z. */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * `YYYY-MM-DD HH:MM:SS` for a wall-clock time given by its parts; parts out of range carry over (second 60
 * is the next minute, day 32 of January is 1 February), so a day offset can be added to `day`.
 */
export function wallClock(year: number, month: number, day: number, hour: number, minute: number, second: number): string {
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** True when the parts name a real calendar day and clock time (no carrying over). */
export function isRealTime(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day && d.getUTCHours() === hour && d.getUTCMinutes() === minute && d.getUTCSeconds() === second
  );
}

/** ISO 8601 UTC text (`…Z`) of a UNIX time in seconds. */
export function isoFromEpoch(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** Milliseconds since the epoch of an ISO 8601 instant with Z or an offset; NaN when it has neither. */
export function instantMs(text: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return NaN;
  return Date.parse(text);
}

/** `H:MM:SS` or `HH:MM:SS` → seconds after midnight, or null when it is not a clock time. */
export function clockSeconds(text: string): number | null {
  const m = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = Number(m[3]);
  if (h > 23 || min > 59 || s > 59) return null;
  return h * 3600 + min * 60 + s;
}
