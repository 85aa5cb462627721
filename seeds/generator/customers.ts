/**
 * Who contacts the center: unidentified callers (empty id), customers coming back about an issue left
 * unresolved in the last few days (repeat contacts), or anyone from the customer base.
 */
import type { Rng } from './random.ts';
import { DAY, MINUTE } from './time.ts';

const MAX_PENDING = 50_000;

export class Customers {
  private readonly pendingIds: string[] = [];
  private readonly pendingAt: number[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly population: number,
    private readonly repeatShare: number,
  ) {}

  /** Customer id of a new contact at `t` ('' when unidentified). */
  forContact(t: number, unidentifiedShare: number): string {
    const rng = this.rng;
    if (rng.chance(unidentifiedShare)) return '';
    if (this.pendingIds.length > 0 && rng.chance(this.repeatShare)) {
      for (let attempt = 0; attempt < 4 && this.pendingIds.length > 0; attempt++) {
        const i = rng.int(this.pendingIds.length);
        const age = t - this.pendingAt[i]!;
        if (age >= 10 * MINUTE && age <= 3 * DAY) return this.take(i);
        if (age > 3 * DAY) this.take(i);
      }
    }
    return this.anyone();
  }

  /** A customer id from the whole base. */
  anyone(): string {
    return `CU${String(1 + this.rng.int(this.population)).padStart(8, '0')}`;
  }

  /** Remembers a customer whose issue was left open at `at`: they may come back. */
  unresolved(customerId: string, at: number): void {
    if (customerId === '') return;
    if (this.pendingIds.length >= MAX_PENDING) {
      const i = this.rng.int(MAX_PENDING);
      this.pendingIds[i] = customerId;
      this.pendingAt[i] = at;
      return;
    }
    this.pendingIds.push(customerId);
    this.pendingAt.push(at);
  }

  private take(i: number): string {
    const id = this.pendingIds[i]!;
    const last = this.pendingIds.length - 1;
    this.pendingIds[i] = this.pendingIds[last]!;
    this.pendingAt[i] = this.pendingAt[last]!;
    this.pendingIds.pop();
    this.pendingAt.pop();
    return id;
  }
}
