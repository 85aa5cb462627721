import type { Command } from '../command.ts';
import { numberFlag, parseFlags } from '../../core/args.ts';
import { UserError } from '../../core/errors.ts';

const usage = `usage: ccmart serve --db FILE [--host 127.0.0.1] [--port 8787] [--cache-mb 64]

Serves the HTTP API (/api/…, /openapi.json) and the dashboards on the marts in FILE (built by ccmart build).
The database is opened read-only; stop with Ctrl-C.

  --db FILE     the DuckDB file
  --host HOST   address to listen on (default 127.0.0.1: this machine only)
  --port N      port (default 8787; 0 picks a free one)
  --cache-mb N  memory for answers kept to serve repeated requests (default 64; 0 turns caching off)`;

const command: Command = {
  name: 'serve',
  summary: 'serve the HTTP API and the dashboards on a built database',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      { db: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, 'cache-mb': { type: 'string' } },
      usage,
    );
    if (positionals.length) throw new UserError(`unexpected argument "${positionals[0]}"\n\n${usage}`);
    if (!values.db) throw new UserError(`--db is required\n\n${usage}`);
    const port = numberFlag(values.port, 'port', 8787)!;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port: expected a whole number from 0 to 65535, got "${values.port}"`);
    const cacheMegabytes = numberFlag(values['cache-mb'], 'cache-mb', 64)!;
    if (!(cacheMegabytes >= 0 && cacheMegabytes <= 65_536)) throw new UserError(`--cache-mb: expected 0 to 65536, got "${values['cache-mb']}"`);
    const { existsSync, statSync } = await import('node:fs');
    if (!existsSync(values.db) || !statSync(values.db).isFile()) throw new UserError(`--db: ${values.db} does not exist (build it with ccmart build)`);
    const { startServer } = await import('../../api/server.ts');
    let server;
    try {
      server = await startServer({ dbPath: values.db, host: values.host ?? '127.0.0.1', port, cacheMegabytes });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE') throw new UserError(`--port: ${port} is already in use`);
      if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') throw new UserError(`--host: cannot listen on ${values.host}`);
      if (/database|DuckDB|IO Error|Serialization/i.test(e.message ?? '')) throw new UserError(`--db: cannot open ${values.db}: ${e.message.split('\n')[0]}`);
      throw err;
    }
    console.log(`ccmart serve: listening on ${server.url} (database ${values.db}, read-only; Ctrl-C to stop)`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    console.log('ccmart serve: stopped');
    return 0;
  },
};

export default command;
