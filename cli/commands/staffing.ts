import type { Command } from '../command.ts';
import { numberFlag, parseFlags } from '../../core/args.ts';
import { UserError } from '../../core/errors.ts';

const usage = `usage: ccmart staffing --calls N --aht SECONDS [--interval MINUTES] [targets] [--shrinkage S]
                      [--patience SECONDS] [--json]

Agents needed for one interval under Erlang C and, with --patience, Erlang A (the recommendation then).

  --calls N             forecast calls offered in the interval (≥ 0, may be fractional)
  --aht SECONDS         average handle time: talk + hold + after-call work (> 0)
  --interval MINUTES    interval length (default 30)
targets (every one given must be met; none given → --sl 0.8 --sl-seconds 20):
  --sl SHARE            share of calls answered within --sl-seconds, 0 < SHARE < 1 (e.g. 0.8)
  --sl-seconds T        service-level threshold T in seconds (default 20)
  --asa SECONDS         highest average speed of answer of answered calls
  --max-occupancy SHARE highest occupancy, 0 < SHARE ≤ 1
  --max-abandon SHARE   highest P(abandon), 0 < SHARE < 1 (needs --patience)
Erlang A:
  --patience SECONDS    mean caller patience; turns on Erlang A
  --sl-basis BASIS      offered (answered within T ÷ all calls, default) or excluding-short-abandons
                        (÷ calls minus those abandoned within --short-abandon, as docs/metrics.md)
  --short-abandon S     short-abandon threshold in seconds (default 5)
output:
  --shrinkage SHARE     share of paid time off the phones, 0 ≤ SHARE < 1 (default 0); FTE = agents ÷ (1 − SHARE)
  --json                print one JSON object instead of the table`;

/** Where each input field comes from on the command line, to name the flag in errors. */
const FLAG_OF: Record<string, string> = {
  calls: 'calls',
  ahtSeconds: 'aht',
  intervalSeconds: 'interval',
  shrinkage: 'shrinkage',
  patienceSeconds: 'patience',
  'targets.serviceLevel': 'sl',
  'targets.serviceLevelSeconds': 'sl-seconds',
  'targets.asaSeconds': 'asa',
  'targets.maxOccupancy': 'max-occupancy',
  'targets.maxAbandonRate': 'max-abandon',
  'targets.serviceLevelBasis': 'sl-basis',
  'targets.shortAbandonSeconds': 'short-abandon',
};

const percent = (v: number) => `${(100 * v).toFixed(1)}%`;

const command: Command = {
  name: 'staffing',
  summary: 'agents and FTE for one interval (Erlang C, and Erlang A with --patience)',
  usage,
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        calls: { type: 'string' },
        aht: { type: 'string' },
        interval: { type: 'string' },
        sl: { type: 'string' },
        'sl-seconds': { type: 'string' },
        asa: { type: 'string' },
        'max-occupancy': { type: 'string' },
        'max-abandon': { type: 'string' },
        shrinkage: { type: 'string' },
        patience: { type: 'string' },
        'sl-basis': { type: 'string' },
        'short-abandon': { type: 'string' },
        json: { type: 'boolean' },
      },
      usage,
    );
    if (values.calls === undefined) throw new UserError(`--calls is required\n\n${usage}`);
    if (values.aht === undefined) throw new UserError(`--aht is required\n\n${usage}`);
    const { StaffIntervalInputSchema, staffRequest } = await import('../../workforce/staffing.ts');

    const anyTarget = [values.sl, values.asa, values['max-occupancy'], values['max-abandon']].some((v) => v !== undefined);
    const intervalMinutes = numberFlag(values.interval, 'interval', 30)!;
    const input = {
      calls: numberFlag(values.calls, 'calls'),
      ahtSeconds: numberFlag(values.aht, 'aht'),
      intervalSeconds: intervalMinutes * 60,
      shrinkage: numberFlag(values.shrinkage, 'shrinkage', 0),
      patienceSeconds: numberFlag(values.patience, 'patience'),
      targets: {
        serviceLevel: numberFlag(values.sl, 'sl', anyTarget ? undefined : 0.8),
        serviceLevelSeconds: numberFlag(values['sl-seconds'], 'sl-seconds', 20),
        asaSeconds: numberFlag(values.asa, 'asa'),
        maxOccupancy: numberFlag(values['max-occupancy'], 'max-occupancy'),
        maxAbandonRate: numberFlag(values['max-abandon'], 'max-abandon'),
        serviceLevelBasis: values['sl-basis'],
        shortAbandonSeconds: numberFlag(values['short-abandon'], 'short-abandon', 5),
      },
    };
    const parsed = StaffIntervalInputSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const flag = FLAG_OF[issue.path.join('.')] ?? issue.path.join('.');
      const given = flag === 'interval' ? values.interval : (values as Record<string, unknown>)[flag];
      throw new UserError(`--${flag}: ${issue.message}${given !== undefined ? ` (got ${String(given)})` : ''}`);
    }
    const request = parsed.data;
    const recommended = staffRequest(request);

    if (values.json) {
      const { calls, ahtSeconds, intervalSeconds, shrinkage, patienceSeconds, targets } = request;
      console.log(JSON.stringify({ calls, ahtSeconds, intervalSeconds, shrinkage, patienceSeconds: patienceSeconds ?? null, targets, ...recommended }));
      return 0;
    }

    const t = request.targets;
    const erlangC =
      recommended.model === 'erlang-c'
        ? recommended
        : staffRequest({ ...request, patienceSeconds: undefined, targets: { ...t, maxAbandonRate: undefined } });
    const columns = recommended.model === 'erlang-a' ? [erlangC, recommended] : [erlangC];
    const targetText = [
      t.serviceLevel !== undefined ? `${percent(t.serviceLevel)} answered within ${t.serviceLevelSeconds} s` : null,
      t.asaSeconds !== undefined ? `ASA ≤ ${t.asaSeconds} s` : null,
      t.maxOccupancy !== undefined ? `occupancy ≤ ${percent(t.maxOccupancy)}` : null,
      t.maxAbandonRate !== undefined ? `abandon ≤ ${percent(t.maxAbandonRate)}` : null,
    ].filter(Boolean);
    const rows: Array<[string, ...string[]]> = [
      ['', ...columns.map((c) => (c.model === 'erlang-c' ? 'Erlang C' : 'Erlang A'))],
      ['agents required', ...columns.map((c) => String(c.agents))],
      [`FTE (shrinkage ${percent(request.shrinkage)})`, ...columns.map((c) => c.fte.toFixed(2))],
      [`service level ${t.serviceLevelSeconds} s`, ...columns.map((c) => percent(c.serviceLevel))],
      ...(recommended.model === 'erlang-a'
        ? [[`  excl. short abandons (<${t.shortAbandonSeconds} s)`, '–', percent(recommended.serviceLevelExcludingShortAbandons)] as [string, ...string[]]]
        : []),
      ['ASA (answered calls)', ...columns.map((c) => `${c.asa.toFixed(1)} s`)],
      ['occupancy', ...columns.map((c) => percent(c.occupancy))],
      ['P(wait)', ...columns.map((c) => percent(c.pWait))],
      ['P(abandon)', ...columns.map((c) => (c.model === 'erlang-c' ? '–' : percent(c.pAbandon)))],
    ];
    const labelWidth = Math.max(...rows.map((r) => r[0].length));
    const cellWidth = Math.max(...rows.flatMap((r) => r.slice(1).map((c) => c.length)));
    console.log(
      `${request.calls} calls in ${intervalMinutes} min at AHT ${request.ahtSeconds} s = ${recommended.erlangs.toFixed(2)} Erlangs` +
        (request.patienceSeconds !== undefined ? `, mean patience ${request.patienceSeconds} s` : ''),
    );
    console.log(`targets: ${targetText.length ? targetText.join('; ') : 'none (smallest stable staffing)'}`);
    console.log('');
    for (const [label, ...cells] of rows) console.log(`${label.padEnd(labelWidth)}  ${cells.map((c) => c.padStart(cellWidth)).join('  ')}`);
    if (recommended.model === 'erlang-a') {
      console.log(`\nrecommended: ${recommended.agents} agents (Erlang A, which counts callers who hang up)`);
    }
    return 0;
  },
};

export default command;
