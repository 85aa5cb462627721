import type { Command } from '../command.ts';
import { numberFlag, parseFlags } from '../../core/args.ts';
import { UserError } from '../../core/errors.ts';

const usage = `usage: ccmart generate --out DIR [--days N] [--contacts N] [--seed N] [--start YYYY-MM-DD] [--dirty SHARE] [--only FEEDS]

Writes deterministic demo data: a simulated multi-channel contact center (wall-clock times of Asia/Shanghai)
in the canonical raw-log formats, ready for \`ccmart ingest\`. Same options and seed → byte-identical files.

  acd_contacts.csv   ACD contacts and legs        (ccmart ingest --source acd)
  agent_states.csv   agent state log               (--source agent-states)
  tickets.csv        ticket events                 (--source tickets)
  bot_turns.jsonl    bot turns, one JSON per line  (--source bot)
  agents.csv         roster: agent ids, Chinese names, queues, shift lines
  truth.json         counts the data is known to hold, per day, queue and file (bad rows per kind)

options:
  --out DIR          output folder (created if missing; the files above are overwritten)
  --days N           days to simulate (default 30)
  --contacts N       target number of ACD contacts + bot sessions over the period (default 200000);
                     ACD rows come to about 0.74 × N
  --seed N           seed of the random numbers (default 1)
  --start DATE       first day (default 2026-11-02, a Monday: 30 days with 双十一 and no public holiday)
  --dirty SHARE      bad rows added per clean row in each file (default 0.005; 0 for clean data)
  --only FEEDS       comma-separated subset of acd, agent-states, tickets, bot (default all four);
                     the ACD file is the same with or without the others`;

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : '–');

const command: Command = {
  name: 'generate',
  summary: 'write deterministic demo data (ACD, agent states, tickets, bot turns) and its known truth',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        out: { type: 'string' },
        days: { type: 'string' },
        contacts: { type: 'string' },
        seed: { type: 'string' },
        start: { type: 'string' },
        dirty: { type: 'string' },
        only: { type: 'string' },
      },
      usage,
    );
    if (!values.out) throw new UserError(`--out is required\n\n${usage}`);
    if (positionals.length > 0) throw new UserError(`unexpected argument "${positionals[0]}"\n\n${usage}`);
    const whole = (flag: string, value: string | undefined) => {
      const n = numberFlag(value, flag);
      if (n !== undefined && !Number.isInteger(n)) throw new UserError(`--${flag}: expected a whole number, got "${value}"`);
      return n;
    };
    const { feeds, generateDemoData, generatorDefaults } = await import('../../seeds/generator/generate.ts');
    const only = values.only?.split(',').map((f) => f.trim()).filter((f) => f !== '');
    for (const f of only ?? []) if (!(feeds as readonly string[]).includes(f)) throw new UserError(`--only: unknown feed "${f}" (expected ${feeds.join(', ')})`);
    const days = whole('days', values.days) ?? generatorDefaults.days;
    const contacts = whole('contacts', values.contacts) ?? generatorDefaults.contacts;
    const seed = whole('seed', values.seed) ?? generatorDefaults.seed;
    const start = values.start ?? generatorDefaults.start;
    const dirty = numberFlag(values.dirty, 'dirty') ?? generatorDefaults.dirty;
    const { epochDay } = await import('../../seeds/generator/time.ts');
    if (Number.isNaN(epochDay(start))) throw new UserError(`--start: expected a date YYYY-MM-DD, got "${start}"`);
    console.log(`generating ${days} days from ${start}: about ${fmt(contacts)} contacts, seed ${seed}, dirty share ${dirty} → ${values.out}`);
    let lastShown = 0;
    let result;
    try {
      result = generateDemoData({
        outDir: values.out,
        days,
        contacts,
        seed,
        start,
        dirty,
        only: only as never,
        onProgress: ({ day, date, acdRows }) => {
          // About ten progress lines whatever the length of the period.
          if (day < days && day - lastShown < Math.max(1, Math.round(days / 10))) return;
          lastShown = day;
          console.log(`  day ${day}/${days} (${date}): ${fmt(acdRows)} ACD rows`);
        },
      });
    } catch (err) {
      if (err instanceof RangeError) throw new UserError(err.message);
      throw err;
    }
    const t = result.truth.totals;
    console.log(`done in ${result.seconds.toFixed(1)} s`);
    const width = Math.max(...result.files.map((f) => f.file.length));
    for (const f of result.files) console.log(`  ${f.file.padEnd(width)}  ${fmt(f.rows).padStart(12)} rows  ${(f.bytes / 1e6).toFixed(1).padStart(8)} MB`);
    for (const f of result.truth.files) {
      const bad = f.rows - f.clean;
      if (bad > 0) console.log(`  ${f.file}: ${fmt(bad)} bad rows mixed in (${fmt(f.rejected)} to be rejected, ${fmt(f.duplicates)} exact duplicates)`);
    }
    console.log(
      `  contacts ${fmt((t.contacts ?? 0) + (t.botSessions ?? 0))} (ACD ${fmt(t.contacts ?? 0)}, bot sessions ${fmt(t.botSessions ?? 0)}); ` +
        `offered ${fmt(t.offered ?? 0)}, answered ${pct(t.answered ?? 0, t.offered ?? 0)}, abandoned ${pct(t.abandoned ?? 0, t.offered ?? 0)}; ` +
        `IVR self-service ${fmt(t.ivrSelfService ?? 0)}; bot containment ${pct(t.botContained ?? 0, t.botSessions ?? 0)}` +
        (t.tickets !== undefined ? `; tickets ${fmt(t.tickets)}` : ''),
    );
    return 0;
  },
};

export default command;
