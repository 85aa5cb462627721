import type { Command } from '../command.ts';
import { numberFlag, parseFlags } from '../../core/args.ts';
import { UserError } from '../../core/errors.ts';

const usage = `usage: ccmart demo [--dir data] [--days 42] [--contacts 250000] [--seed 1] [--host 127.0.0.1] [--port 8787] [--no-serve]

The main job (what \`npm start\` runs): generates deterministic demo logs into DIR/logs, ingests them into
DIR/ccmart.duckdb (files already loaded are skipped), builds the marts, forecasts and staffs every queue for the
next 14 days (6 weeks of history let the forecast choose its method by backtest), schedules shifts for
the first whole week of the forecast, then serves the API and dashboards on 127.0.0.1 and prints the URL (Ctrl-C stops it).
--no-serve stops after the forecast.`;

const command: Command = {
  name: 'demo',
  summary: 'generate demo logs, ingest, build, forecast, schedule and serve the dashboards (npm start)',
  usage,
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        dir: { type: 'string' },
        days: { type: 'string' },
        contacts: { type: 'string' },
        seed: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'no-serve': { type: 'boolean' },
      },
      usage,
    );
    const dir = values.dir ?? 'data';
    const days = numberFlag(values.days, 'days', 42)!;
    const contacts = numberFlag(values.contacts, 'contacts', 250_000)!;
    const seed = numberFlag(values.seed, 'seed', 1)!;
    const port = numberFlag(values.port, 'port', 8787)!;
    const host = values.host ?? '127.0.0.1';
    if (!Number.isInteger(days) || days < 1) throw new UserError(`--days: expected a whole number ≥ 1, got ${values.days}`);
    if (!Number.isInteger(contacts) || contacts < 1) throw new UserError(`--contacts: expected a whole number ≥ 1, got ${values.contacts}`);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port: expected 0–65535, got ${values.port}`);

    const { join, resolve } = await import('node:path');
    const { mkdirSync } = await import('node:fs');
    const { generateDemoData, fileNames, TIMEZONE } = await import('../../seeds/generator/generate.ts');
    const { openDatabase } = await import('../../core/db.ts');
    const { ingestPath } = await import('../../pipelines/ingest.ts');
    const { buildMarts } = await import('../../marts/build.ts');
    const { loadConfig } = await import('../../core/config.ts');
    const { planAhead } = await import('../../workforce/planAhead.ts');

    const root = resolve(dir);
    const logs = join(root, 'logs');
    const dbPath = join(root, 'ccmart.duckdb');
    mkdirSync(logs, { recursive: true });
    const config = loadConfig(undefined, { timezone: TIMEZONE });
    const step = (n: number, text: string) => console.log(`\n[${n}/6] ${text}`);
    const t0 = performance.now();

    step(1, `generating ${days} days of demo logs (~${contacts.toLocaleString('en-US')} contacts, seed ${seed}) in ${logs}`);
    let lastDay = -1;
    const generated = generateDemoData({
      outDir: logs,
      days,
      contacts,
      seed,
      onProgress: (p) => {
        if (p.day !== lastDay && (p.day % 5 === 0 || p.day === p.days)) console.log(`  day ${p.day}/${p.days} ${p.date}: ${p.acdRows.toLocaleString('en-US')} ACD rows`);
        lastDay = p.day;
      },
    });
    for (const f of generated.files) console.log(`  ${f.file}: ${f.rows.toLocaleString('en-US')} rows`);

    step(2, `ingesting into ${dbPath}`);
    const db = await openDatabase(dbPath);
    try {
      const order = [
        ['acd', fileNames.acd],
        ['agent-states', fileNames['agent-states']],
        ['tickets', fileNames.tickets],
        ['bot', fileNames.bot],
      ] as const;
      for (const [source, file] of order) {
        await ingestPath(db.conn, join(logs, file), { source, timezone: config.timezone, dayFirst: false, log: (m) => console.log(`  ${m}`) });
      }

      step(3, 'building the marts');
      const build = await buildMarts(db.conn, config, (m) => console.log(m));
      if (build.failedModel) throw new UserError(`model ${build.failedModel.name} failed: ${build.failedModel.error}`, 1);

      await planAhead(db.conn, config, {
        historyDays: days,
        log: (m) => console.log(m),
        step: (name, detail) => step(name === 'forecast' ? 4 : 5, detail),
      });
    } finally {
      db.close();
    }

    if (values['no-serve']) {
      step(6, `done in ${((performance.now() - t0) / 1000).toFixed(1)} s (not serving: --no-serve)`);
      return 0;
    }
    step(6, 'serving the API and dashboards');
    const { startServer } = await import('../../api/server.ts');
    const server = await startServer({ dbPath, host, port });
    console.log(`\nccmart is ready in ${((performance.now() - t0) / 1000).toFixed(1)} s: open ${server.url}`);
    console.log(`  operations overview ${server.url}   journeys ${server.url}journeys   workforce ${server.url}workforce   SQL console ${server.url}console`);
    console.log(`  database ${dbPath} (query it with: npx ccmart sql --db ${dbPath} "SELECT …")`);
    console.log('  press Ctrl-C to stop');
    await new Promise<void>((done) => {
      const stop = () => {
        console.log('\nstopping…');
        void server.close().then(done);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};

export default command;
