import type { Command } from '../command.ts';
import { numberFlag, parseFlags } from '../../core/args.ts';
import { UserError } from '../../core/errors.ts';
import type { TokenEntry } from '../../api/auth.ts';
import { DEFAULT_RATE_LIMIT } from '../../api/rateLimit.ts';

/** Which roles have tokens (never the tokens) and the rate limit. */
function describeAccess(tokens: TokenEntry[], perSecond: number, burst: number): string {
  if (!tokens.length) return 'access: open to this machine (no tokens configured)';
  const count = (role: string) => tokens.filter((t) => t.role === role).length;
  const roles = ['viewer', 'analyst', 'admin'].filter((r) => count(r) > 0).map((r) => `${r} (${count(r)})`);
  const limit = perSecond > 0 ? `at most ${perSecond} requests a second per token, bursts of ${burst}` : 'no rate limit';
  return `access: tokens for ${roles.join(', ')}; ${limit}`;
}

const usage = `usage: ccmart serve --db FILE [--host 127.0.0.1] [--port 8787] [--cache-mb 64]
                    [--tokens-file FILE] [--rate-limit 20] [--rate-burst 120] [--inbox DIR [--plan]]

Serves the HTTP API (/api/…, /openapi.json) and the dashboards on the marts in FILE (built by ccmart build).
The database is opened read-only; stop with Ctrl-C.

  --db FILE           the DuckDB file
  --host HOST         address to listen on (default 127.0.0.1: this machine only); any other address
                      needs access tokens
  --port N            port (default 8787; 0 picks a free one)
  --cache-mb N        memory for answers kept to serve repeated requests (default 64; 0 turns caching off)
  --tokens-file FILE  access tokens, one role:token a line (roles viewer, analyst, admin; tokens of at least
                      16 characters); added to those of CCMART_TOKENS="viewer:TOKEN,analyst:TOKEN,…".
                      Without tokens the server is open to anyone on this machine
  --rate-limit N      requests a second each token may keep up (default 20; 0 turns the limit off)
  --rate-burst N      requests a token may send at once (default 120)
  --inbox DIR         lets admins start \`ccmart refresh --db FILE --inbox DIR\` with POST /api/refresh; the
                      server moves to the new build when it is in place (without it the endpoint answers 409)
  --plan              such refreshes also forecast, staff and schedule

A new build renamed over FILE by \`ccmart refresh\` is picked up by the next requests; answers always come from
one complete build, named in the x-ccmart-build header.`;

const command: Command = {
  name: 'serve',
  summary: 'serve the HTTP API and the dashboards on a built database',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        db: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'cache-mb': { type: 'string' },
        'tokens-file': { type: 'string' },
        'rate-limit': { type: 'string' },
        'rate-burst': { type: 'string' },
        inbox: { type: 'string' },
        plan: { type: 'boolean' },
      },
      usage,
    );
    if (positionals.length) throw new UserError(`unexpected argument "${positionals[0]}"\n\n${usage}`);
    if (!values.db) throw new UserError(`--db is required\n\n${usage}`);
    const port = numberFlag(values.port, 'port', 8787)!;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port: expected a whole number from 0 to 65535, got "${values.port}"`);
    const cacheMegabytes = numberFlag(values['cache-mb'], 'cache-mb', 64)!;
    if (!(cacheMegabytes >= 0 && cacheMegabytes <= 65_536)) throw new UserError(`--cache-mb: expected 0 to 65536, got "${values['cache-mb']}"`);
    const perSecond = numberFlag(values['rate-limit'], 'rate-limit', DEFAULT_RATE_LIMIT.perSecond)!;
    if (!(perSecond >= 0 && perSecond <= 1_000_000)) throw new UserError(`--rate-limit: expected 0 to 1000000 requests a second, got "${values['rate-limit']}"`);
    const burst = numberFlag(values['rate-burst'], 'rate-burst', DEFAULT_RATE_LIMIT.burst)!;
    if (!(Number.isInteger(burst) && burst >= 1 && burst <= 1_000_000)) throw new UserError(`--rate-burst: expected a whole number from 1 to 1000000, got "${values['rate-burst']}"`);
    const host = values.host ?? '127.0.0.1';
    const { loadTokens } = await import('../../api/auth.ts');
    const { checkHost } = await import('../../api/server.ts');
    const tokens = loadTokens({ env: process.env.CCMART_TOKENS, file: values['tokens-file'] });
    checkHost(host, tokens.length > 0);
    const { existsSync, statSync } = await import('node:fs');
    if (values['tokens-file'] && process.platform !== 'win32' && (statSync(values['tokens-file']).mode & 0o077) !== 0) {
      console.error(`ccmart serve: warning: ${values['tokens-file']} can be read by other users (chmod 600 it)`);
    }
    if (!existsSync(values.db) || !statSync(values.db).isFile()) throw new UserError(`--db: ${values.db} does not exist (build it with ccmart build)`);
    if (values.plan && !values.inbox) throw new UserError('--plan needs --inbox');
    if (values.inbox) {
      const { inboxInputs } = await import('../../core/refresh.ts');
      inboxInputs(values.inbox); // a wrong layout fails now rather than on the first refresh
    }
    const refresh = values.inbox ? { inbox: values.inbox, plan: values.plan } : undefined;
    const { startServer } = await import('../../api/server.ts');
    let server;
    try {
      server = await startServer({ dbPath: values.db, host, port, cacheMegabytes, tokens, rateLimit: perSecond > 0 ? { perSecond, burst } : null, refresh });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE') throw new UserError(`--port: ${port} is already in use`);
      if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') throw new UserError(`--host: cannot listen on ${values.host}`);
      if (/database|DuckDB|IO Error|Serialization/i.test(e.message ?? '')) throw new UserError(`--db: cannot open ${values.db}: ${e.message.split('\n')[0]}`);
      throw err;
    }
    console.log(`ccmart serve: listening on ${server.url} (database ${values.db}, read-only; Ctrl-C to stop)`);
    console.log(`ccmart serve: ${describeAccess(tokens, perSecond, burst)}`);
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
