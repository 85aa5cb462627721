/**
 * How many agents the demo center schedules: Erlang C requirements per 30-minute interval from the forecast
 * (workforce/erlang.ts), then whole shifts laid greedily over the day to cover them.
 */

export const SLOT_SECONDS = 1800;
export const SLOTS_PER_DAY = 48;
export const FULL_SHIFT_SLOTS = 18; // 9 h with a 1-hour lunch
export const PART_SHIFT_SLOTS = 9; // 4.5 h

export interface PlannedShift {
  /** First 30-minute slot of the shift. */
  startSlot: number;
  slots: number;
}

/**
 * Lays whole shifts over a day so every open slot has at least `need[slot]` agents scheduled. Walking the
 * day, each shortfall opens a shift at that slot: full-time (9 h) unless a part-time one (4.5 h) would leave
 * clearly fewer idle slots, and never past closing time (a late shift then starts earlier).
 */
export function planShifts(need: readonly number[], openSlot: number, closeSlot: number): PlannedShift[] {
  const cover = new Array<number>(SLOTS_PER_DAY).fill(0);
  const shifts: PlannedShift[] = [];
  const place = (slots: number, at: number): PlannedShift => {
    const length = Math.min(slots, closeSlot - openSlot);
    return { startSlot: Math.max(openSlot, Math.min(at, closeSlot - length)), slots: length };
  };
  // Slots of the shift where one more agent is more than needed.
  const waste = (s: PlannedShift) => {
    let n = 0;
    for (let k = s.startSlot; k < s.startSlot + s.slots; k++) if (cover[k]! >= need[k]!) n++;
    return n;
  };
  for (let i = openSlot; i < closeSlot; i++) {
    while (cover[i]! < need[i]!) {
      const full = place(FULL_SHIFT_SLOTS, i);
      const part = place(PART_SHIFT_SLOTS, i);
      const shift = waste(full) <= waste(part) + 3 ? full : part;
      for (let s = shift.startSlot; s < shift.startSlot + shift.slots; s++) cover[s] = cover[s]! + 1;
      shifts.push(shift);
    }
  }
  return shifts;
}
