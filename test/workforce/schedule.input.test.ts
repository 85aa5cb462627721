import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors.ts';
import { parseAgentsCsv, resolveAgents } from '../../workforce/schedule/agents.ts';
import { minCostAssignment } from '../../workforce/schedule/assignment.ts';
import { parseAvailability, type WeeklyWindow } from '../../workforce/schedule/availability.ts';
import { parseRequirementsCsv, requirementGrid, inferIntervalMinutes } from '../../workforce/schedule/requirements.ts';
import { defaultRules, loadRules, parseRules } from '../../workforce/schedule/rules.ts';

const dir = mkdtempSync(join(tmpdir(), 'ccmart-schedule-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const seed = JSON.parse(readFileSync(new URL('../../seeds/schedule_rules.json', import.meta.url), 'utf8'));

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('requirements file', () => {
  it('reads rows, rounds fractional requirements up and handles a BOM, CRLF and quoted UTF-8 names', () => {
    const text = '\uFEFFqueue,interval_start,required\r\n"售前,咨询",2024-06-03T08:00,2.2\r\nBilling,2024-06-03T08:30,3\r\nBilling,2024-06-03T09:00,0.01\r\nBilling,2024-06-03T09:30,2.0000000001\r\n';
    const rows = parseRequirementsCsv(text, 'req.csv');
    expect(rows.map((r) => r.queue)).toEqual(['售前,咨询', 'Billing', 'Billing', 'Billing']);
    const grid = requirementGrid(rows, 30, 'req.csv');
    // A fraction rounds up; floating-point noise on a whole number does not.
    expect(grid.rows.map((r) => r.required)).toEqual([3, 3, 1, 2]);
    expect(grid.horizon.days).toBe(1);
    expect(grid.rows.map((r) => r.start)).toEqual([480, 510, 540, 570]);
  });

  it('names the line and field of a malformed value', () => {
    const head = 'queue,interval_start,required\nA,2024-06-03T08:00,1\n';
    expect(errorOf(() => parseRequirementsCsv(`${head}A,2024-06-03 08:30,1\n`, 'r.csv'))).toMatch(/r\.csv line 3: field interval_start: "2024-06-03 08:30"/);
    expect(errorOf(() => parseRequirementsCsv(`${head}A,2024-02-30T08:30,1\n`, 'r.csv'))).toMatch(/line 3: field interval_start/);
    expect(errorOf(() => parseRequirementsCsv(`${head}\nA,2024-06-03T08:30,many\n`, 'r.csv'))).toMatch(/line 4: field required: "many"/);
    expect(errorOf(() => parseRequirementsCsv(`${head}A,2024-06-03T08:30,-1\n`, 'r.csv'))).toMatch(/line 3: field required: "-1"/);
    expect(errorOf(() => parseRequirementsCsv(`${head},2024-06-03T08:30,1\n`, 'r.csv'))).toMatch(/line 3: field queue is empty/);
    expect(errorOf(() => parseRequirementsCsv('queue,start,required\nA,2024-06-03T08:00,1\n', 'r.csv'))).toMatch(/line 1: missing column interval_start/);
    expect(errorOf(() => parseRequirementsCsv(`${head}"A,2024-06-03T08:30,1\n`, 'r.csv'))).toMatch(/line 3: a quoted field is never closed/);
  });

  it('rejects intervals off the grid and duplicate rows, naming their lines', () => {
    const rows = parseRequirementsCsv('queue,interval_start,required\nA,2024-06-03T08:00,1\nA,2024-06-03T08:15,1\n');
    expect(errorOf(() => requirementGrid(rows, 30, 'r.csv'))).toMatch(/r\.csv line 3: field interval_start: 2024-06-03T08:15 is not on the 30-minute interval grid/);
    const dup = parseRequirementsCsv('queue,interval_start,required\nA,2024-06-03T08:00,1\nB,2024-06-03T08:00,1\nA,2024-06-03T08:00,2\n');
    expect(errorOf(() => requirementGrid(dup, 30, 'r.csv'))).toMatch(/line 4: duplicate row for queue A at 2024-06-03T08:00 \(first at line 2\)/);
  });

  it('infers the interval from the interval starts', () => {
    const at = (times: string[]) => times.map((t) => ({ queue: 'A', intervalStart: `2024-06-03T${t}`, required: 1 }));
    expect(inferIntervalMinutes(at(['08:00', '08:30', '09:00']))).toBe(30);
    expect(inferIntervalMinutes(at(['08:00', '08:15']))).toBe(15);
    expect(inferIntervalMinutes(at(['08:00', '10:00']))).toBe(60);
  });
});

describe('rules file', () => {
  it('ships defaults that pass the schema: FT8 and PT4 starting every 30 min from 06:00 to 14:00, 5 days, 11 h rest', () => {
    const rules = defaultRules();
    expect(rules.shiftTypes.map((t) => [t.name, t.paidMinutes, t.startWindow.earliest, t.startWindow.latest, t.startWindow.stepMinutes])).toEqual([
      ['FT8', 480, '06:00', '14:00', 30],
      ['PT4', 240, '06:00', '14:00', 30],
    ]);
    expect(rules.maxWorkingDaysPerWeek).toBe(5);
    expect(rules.minRestHours).toBe(11);
  });

  it('lays a partial rules file over the defaults', () => {
    const path = join(dir, 'partial.json');
    writeFileSync(path, JSON.stringify({ minRestHours: 12, solver: { timeLimitSeconds: 5 } }));
    const rules = loadRules(path);
    expect(rules.minRestHours).toBe(12);
    expect(rules.solver.timeLimitSeconds).toBe(5);
    expect(rules.solver.mipRelGap).toBe(seed.solver.mipRelGap);
    expect(rules.shiftTypes).toHaveLength(seed.shiftTypes.length);
  });

  it('names the field path of a bad value', () => {
    const bad = (patch: (r: typeof seed) => void) => {
      const doc = structuredClone(seed);
      patch(doc);
      return errorOf(() => parseRules(doc, 'rules.json'));
    };
    expect(bad((r) => (r.shiftTypes[0].lengthMinutes = -5))).toMatch(/shiftTypes\[0\]\.lengthMinutes: /);
    expect(bad((r) => (r.shiftTypes[1].startWindow.earliest = '6am'))).toMatch(/shiftTypes\[1\]\.startWindow\.earliest: expected a time HH:MM/);
    expect(bad((r) => (r.shiftTypes[0].breaks[2].latestOffsetMinutes = 500))).toMatch(/shiftTypes\[0\]\.breaks\[2\]\.latestOffsetMinutes: the break would end after the shift/);
    expect(bad((r) => (r.shiftTypes[0].breaks[1].earliestOffsetMinutes = 100))).toMatch(/shiftTypes\[0\]\.breaks\[1\]\.earliestOffsetMinutes: the window overlaps/);
    expect(bad((r) => (r.maxWorkingDaysPerWeek = 8))).toMatch(/maxWorkingDaysPerWeek: /);
    expect(bad((r) => (r.minRestHours = '11'))).toMatch(/minRestHours: /);
    expect(bad((r) => (r.agentDefaults.availability = 'weekdays'))).toMatch(/agentDefaults\.availability: availability: "weekdays"/);
    expect(bad((r) => (r.agentDefaults.shiftTypes = ['NIGHT']))).toMatch(/agentDefaults\.shiftTypes\[0\]: unknown shift type "NIGHT"/);
    expect(bad((r) => (r.shiftTypes[1].name = 'FT8'))).toMatch(/shiftTypes\[1\]\.name: duplicate shift type "FT8"/);
    expect(bad((r) => (r.surprise = 1))).toMatch(/\(top level\): .*surprise/);
  });

  it('reports a rules file that is not JSON', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "minRestHours": 11, }');
    expect(errorOf(() => loadRules(path))).toMatch(/broken\.json: not valid JSON/);
  });
});

describe('agents file', () => {
  const header = 'agent_id,name,skills,contract_hours,max_days,availability,shift_types\n';

  it('reads UTF-8 names, |-separated skills and availability, filling gaps from the defaults', () => {
    const agents = parseAgentsCsv(`${header}E1,张伟,售前咨询|Billing,32,4,Mon-Fri 07:00-19:00,PT4\nE2,"Li, Wei",,,,,\n`);
    expect(agents[0]).toMatchObject({ id: 'E1', name: '张伟', skills: ['售前咨询', 'Billing'], contractHours: 32, maxDays: 4, shiftTypes: ['PT4'] });
    const rules = defaultRules();
    const resolved = resolveAgents(agents, rules, ['Billing', 'VIP', '售前咨询']);
    expect(resolved[0]).toMatchObject({ skills: [0, 2], contractMinutes: 32 * 60, maxDays: 4, shiftTypes: [1] });
    expect(resolved[1]).toMatchObject({ name: 'Li, Wei', skills: [0, 1, 2], contractMinutes: 40 * 60, maxDays: 5, shiftTypes: [0, 1] });
  });

  it('names the line and field of a bad value', () => {
    expect(errorOf(() => parseAgentsCsv(`${header}E1,a,,40,5,,\nE2,b,,40,9,,\n`, 'agents.csv'))).toMatch(/agents\.csv line 3: field max_days: "9"/);
    expect(errorOf(() => parseAgentsCsv(`${header}E1,a,,forty,5,,\n`, 'agents.csv'))).toMatch(/line 2: field contract_hours: "forty"/);
    expect(errorOf(() => parseAgentsCsv(`${header}E1,a,,40,5,Mon-Fri 7-19,\n`, 'agents.csv'))).toMatch(/line 2: field availability: "Mon-Fri 7-19"/);
    expect(errorOf(() => parseAgentsCsv(`${header},a,,40,5,,\n`, 'agents.csv'))).toMatch(/line 2: field agent_id is empty/);
    expect(errorOf(() => parseAgentsCsv('name,skills\n张伟,A\n', 'agents.csv'))).toMatch(/line 1: missing column agent_id/);
    const dup = parseAgentsCsv(`${header}E1,a,,,,,\nE1,b,,,,,\n`, 'agents.csv');
    expect(errorOf(() => resolveAgents(dup, defaultRules(), ['A'], 'agents.csv'))).toMatch(/agents\.csv line 3: field agent_id: duplicate "E1" \(also agents\.csv line 2\)/);
    const unknown = parseAgentsCsv(`${header}E1,a,,,,,NIGHT\n`, 'agents.csv');
    expect(errorOf(() => resolveAgents(unknown, defaultRules(), ['A'], 'agents.csv'))).toMatch(/line 2: field shift_types: unknown shift type "NIGHT"/);
  });

  it('parses availability: day ranges, lists, wrap-around and windows past midnight', () => {
    expect(parseAvailability('Mon-Wed 07:00-19:00; Sat 09:00-13:00')).toEqual([
      { weekday: 0, from: 420, to: 1140 },
      { weekday: 1, from: 420, to: 1140 },
      { weekday: 2, from: 420, to: 1140 },
      { weekday: 5, from: 540, to: 780 },
    ]);
    expect((parseAvailability('Fri-Mon 08:00-24:00') as WeeklyWindow[]).map((w) => w.weekday)).toEqual([0, 4, 5, 6]);
    expect(parseAvailability('Tue,Thu 22:00-06:00')).toEqual([
      { weekday: 1, from: 1320, to: 1800 },
      { weekday: 3, from: 1320, to: 1800 },
    ]);
    expect(parseAvailability('Funday 08:00-10:00')).toEqual({ error: '"Funday" is not a weekday (Mon … Sun)' });
  });
});

describe('minimum-cost assignment', () => {
  it('matches brute force over all assignments of small random matrices', () => {
    let s = 7;
    const rnd = () => ((s = (s * 48271) % 2147483647) / 2147483647);
    for (let trial = 0; trial < 30; trial++) {
      const n = 1 + Math.floor(rnd() * 4);
      const m = n + Math.floor(rnd() * 3);
      const cost = Float64Array.from({ length: n * m }, () => (rnd() < 0.2 ? Number.POSITIVE_INFINITY : Math.floor(rnd() * 20)));
      // A fallback column per row keeps every row assignable, as the roster does.
      const mm = m + n;
      const full = new Float64Array(n * mm).fill(Number.POSITIVE_INFINITY);
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < m; c++) full[r * mm + c] = cost[r * m + c]!;
        full[r * mm + m + r] = 100;
      }
      let best = Number.POSITIVE_INFINITY;
      const used = new Array<boolean>(mm).fill(false);
      const search = (r: number, acc: number) => {
        if (r === n) {
          best = Math.min(best, acc);
          return;
        }
        for (let c = 0; c < mm; c++) {
          if (used[c] || full[r * mm + c] === Number.POSITIVE_INFINITY) continue;
          used[c] = true;
          search(r + 1, acc + full[r * mm + c]!);
          used[c] = false;
        }
      };
      search(0, 0);
      const match = minCostAssignment(n, mm, full);
      expect(new Set(match).size).toBe(n);
      expect(match.reduce((sum, c, r) => sum + full[r * mm + c]!, 0)).toBe(best);
    }
  });
});
