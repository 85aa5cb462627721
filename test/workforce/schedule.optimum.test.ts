// Small instances whose optimum the test finds by enumerating every combination of shift counts (and
// break placements), compared with what buildSchedule chooses.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSchedule, parseRules, type Requirement, type Rules } from '../../workforce/schedule/index.ts';
import { mergeRules } from '../../workforce/schedule/rules.ts';

const seed = JSON.parse(readFileSync(new URL('../../seeds/schedule_rules.json', import.meta.url), 'utf8'));
const rulesWith = (patch: object): Rules => parseRules(mergeRules(seed, patch), 'test rules');

function random(seedValue: number) {
  let s = seedValue * 7919;
  const next = () => (s = (s * 48271) % 2147483647) / 2147483647;
  next();
  return next;
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const DATE = '2024-06-03';

/** Requirements on one queue, one per 30-minute interval from `from` (minutes after midnight). */
function requirements(queue: string, from: number, values: number[]): Requirement[] {
  return values.map((required, k) => ({ queue, intervalStart: `${DATE}T${hhmm(from + 30 * k)}`, required }));
}

describe('shift mix matches the brute-force optimum', () => {
  // Two shift types without breaks, starting every 30 min from 08:00 to 10:00.
  const noBreaks = rulesWith({
    shiftTypes: [
      { name: 'S2', lengthMinutes: 120, paidMinutes: 120, startWindow: { earliest: '08:00', latest: '10:00', stepMinutes: 30 }, breaks: [] },
      { name: 'S3', lengthMinutes: 180, paidMinutes: 150, startWindow: { earliest: '08:00', latest: '10:00', stepMinutes: 30 }, breaks: [] },
    ],
    solver: { timeLimitSeconds: 20, mipRelGap: 0 },
  });

  /** Least paid minutes covering `req` (30-min intervals from 08:00), over every count 0..3 of every start. */
  function bruteForceNoBreaks(req: number[]): number {
    const vars: { from: number; to: number; paid: number }[] = [];
    for (const [len, paid] of [
      [120, 120],
      [180, 150],
    ] as const) {
      for (let s = 0; s <= 4; s++) vars.push({ from: s, to: s + len / 30, paid });
    }
    let best = Number.POSITIVE_INFINITY;
    const cover = new Array<number>(req.length + 6).fill(0);
    const search = (i: number, paid: number) => {
      if (paid >= best) return;
      if (i === vars.length) {
        if (req.every((r, k) => cover[k]! >= r)) best = paid;
        return;
      }
      const v = vars[i]!;
      for (let n = 0; n <= 3; n++) {
        for (let k = v.from; k < v.to; k++) cover[k]! += n;
        search(i + 1, paid + n * v.paid);
        for (let k = v.from; k < v.to; k++) cover[k]! -= n;
      }
    };
    search(0, 0);
    return best;
  }

  for (const seedValue of [4, 17, 31]) {
    it(`random instance ${seedValue}: 8 intervals, 10 shift variables`, async () => {
      const rnd = random(seedValue);
      const req = Array.from({ length: 8 }, () => Math.floor(rnd() * 4));
      const best = bruteForceNoBreaks(req);
      const { summary, coverage } = await buildSchedule({ requirements: requirements('Q', 8 * 60, req), rules: noBreaks, intervalMinutes: 30 });
      expect(summary.paidHours * 60).toBe(best);
      expect(summary.shortIntervals).toEqual([]);
      expect(coverage.map((c) => c.required)).toEqual(req);
      expect(coverage.every((c) => c.scheduled >= c.required)).toBe(true);
      expect(summary.lpLowerBound).toBeLessThanOrEqual(best / 60 + 1e-9);
      expect(summary.gap).toBe(0);
    });
  }

  it('places breaks where they leave no hole: one 4-hour shift type with a 30-minute break', async () => {
    const rules = rulesWith({
      shiftTypes: [
        {
          name: 'L4',
          lengthMinutes: 240,
          paidMinutes: 240,
          startWindow: { earliest: '08:00', latest: '10:00', stepMinutes: 60 },
          breaks: [{ activity: 'break', lengthMinutes: 30, earliestOffsetMinutes: 90, latestOffsetMinutes: 150 }],
        },
      ],
      solver: { timeLimitSeconds: 20, mipRelGap: 0 },
    });
    for (const seedValue of [5, 91]) {
      const rnd = random(seedValue);
      const req = Array.from({ length: 12 }, () => Math.floor(rnd() * 3));
      // Enumerate, per start (08:00, 09:00, 10:00), how many shifts (0..4) take the break at each offset.
      const splits: number[][] = [];
      for (let c = 0; c <= 4; c++) for (let a = 0; a <= c; a++) for (let b = 0; a + b <= c; b++) splits.push([a, b, c - a - b]);
      let best = Number.POSITIVE_INFINITY;
      for (const s0 of splits) {
        for (const s1 of splits) {
          for (const s2 of splits) {
            const cover = new Array<number>(20).fill(0);
            let shifts = 0;
            [s0, s1, s2].forEach((split, start) => {
              split.forEach((n, o) => {
                shifts += n;
                // Shift covers intervals start*2 … start*2+7; the break takes interval start*2 + 3 + o.
                for (let k = start * 2; k < start * 2 + 8; k++) if (k !== start * 2 + 3 + o) cover[k]! += n;
              });
            });
            if (shifts * 240 < best && req.every((r, k) => cover[k]! >= r)) best = shifts * 240;
          }
        }
      }
      const { summary, segments } = await buildSchedule({ requirements: requirements('Q', 8 * 60, req), rules, intervalMinutes: 30 });
      expect(summary.paidHours * 60).toBe(best);
      expect(summary.shortIntervals).toEqual([]);
      expect(segments.filter((s) => s.activity === 'break')).toHaveLength(best / 240);
    }
  });
});

describe('shortfall when coverage is impossible', () => {
  it('covers the heavier queue first and reports exactly the short intervals', async () => {
    // One agent serving A and B; A weighs 3, B 1. A needs 1 agent 10:00–11:00, B 1 agent 10:00–12:00.
    const rules = rulesWith({
      shiftTypes: [{ name: 'S2', lengthMinutes: 120, paidMinutes: 120, startWindow: { earliest: '09:00', latest: '11:00', stepMinutes: 30 }, breaks: [] }],
      shortfall: { penaltyPerAgentHour: 100, queueWeights: { A: 3 } },
      solver: { timeLimitSeconds: 20, mipRelGap: 0 },
    });
    const req = [...requirements('A', 600, [1, 1]), ...requirements('B', 600, [1, 1, 1, 1])];
    const { summary, segments } = await buildSchedule({
      requirements: req,
      rules,
      agents: [{ id: 'E1', name: '王芳', skills: ['A', 'B'] }],
    });
    // Brute force: no shift, or one shift at each start; per interval the agent serves one queue.
    const slot = 50; // penalty per short 30-min interval: 100 per agent-hour
    let best = 4 * slot + 2 * slot * 3;
    for (const start of [540, 570, 600, 630, 660]) {
      let cost = 2;
      for (let k = 0; k < 4; k++) {
        const t = 600 + 30 * k;
        const on = t >= start && t < start + 120;
        const needA = k < 2;
        // Serving A when it needs someone saves 3, B saves 1: serve the heavier.
        const shortA = needA && !on ? 1 : 0;
        const shortB = on && !needA ? 0 : 1;
        cost += (shortA * 3 + shortB) * slot;
      }
      best = Math.min(best, cost);
    }
    expect(summary.shiftMix.objective).toBe(best);
    expect(summary.shortIntervals).toEqual([
      { queue: 'B', intervalStart: `${DATE}T10:00`, required: 1, scheduled: 0, short: 1 },
      { queue: 'B', intervalStart: `${DATE}T10:30`, required: 1, scheduled: 0, short: 1 },
    ]);
    expect(segments.map((s) => [s.agentId, s.queue, s.start, s.end, s.activity])).toEqual([
      ['E1', 'A', `${DATE}T10:00`, `${DATE}T11:00`, 'work'],
      ['E1', 'B', `${DATE}T11:00`, `${DATE}T12:00`, 'work'],
    ]);
  });
});
