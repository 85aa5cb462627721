/**
 * The ccmart HTTP API as a plain Hono app: tests call `app.request()`, and api/server.ts serves it unchanged.
 * The database is opened on first use (or by `ready()`): a read-only connection pool for the dashboards'
 * endpoints and separate, locked-down instances for analysts' SQL.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { UserError } from '../core/errors.ts';
import type { AnalystOptions } from './analyst.ts';
import { accessControl, Tokens, type TokenEntry } from './auth.ts';
import { answerCache, Memo, newAnswerCache } from './cache.ts';
import { openMarts } from './db/marts.ts';
import type { PoolOptions } from './db/pool.ts';
import type { Deps } from './deps.ts';
import { ApiError, type ErrorBody } from './errors.ts';
import { openApiDocument } from './openapi.ts';
import { loggableError, Masker, maskForViewers } from './privacy.ts';
import { queues } from './queries/meta.ts';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rateLimit.ts';
import type { RouteDoc } from './route.ts';
import { agentsDoc, agentsRouter } from './routes/agents.ts';
import { botDoc, botRouter } from './routes/bot.ts';
import { breakpointsDoc, breakpointsRouter } from './routes/breakpoints.ts';
import { catalogDoc, catalogRouter } from './routes/catalog.ts';
import { flowDoc, flowRouter } from './routes/flow.ts';
import { forecastDoc, forecastRouter } from './routes/forecast.ts';
import { healthDoc, healthRouter } from './routes/health.ts';
import { journeysDoc, journeysRouter } from './routes/journeys.ts';
import { kpisDoc, kpisRouter } from './routes/kpis.ts';
import { metaDoc, metaRouter } from './routes/meta.ts';
import { pagesRouter } from './routes/pages.ts';
import { specDoc, specListDoc, specRoutes } from './routes/specs.ts';
import { coverageDoc, coverageRouter, scheduleDoc, scheduleRouter } from './routes/schedule.ts';
import { sqlDoc, sqlRouter } from './routes/sql.ts';
import { refreshDoc, refreshRouter, refreshStatusDoc } from './routes/refresh.ts';
import { Refresher, type RefreshSettings } from './refresher.ts';
import { staffingDoc, staffingRouter } from './routes/staffing.ts';
import { ticketsDoc, ticketsRouter } from './routes/tickets.ts';
import { whatifDoc, whatifRouter } from './routes/whatif.ts';

/** Every endpoint under /api, as /openapi.json lists them. */
export const routeDocs: RouteDoc[] = [
  healthDoc,
  metaDoc,
  kpisDoc,
  breakpointsDoc,
  flowDoc,
  journeysDoc,
  ticketsDoc,
  botDoc,
  agentsDoc,
  forecastDoc,
  staffingDoc,
  scheduleDoc,
  coverageDoc,
  whatifDoc,
  catalogDoc,
  sqlDoc,
  specListDoc,
  specDoc,
  refreshDoc,
  refreshStatusDoc,
];

export const BODY_LIMIT_BYTES = 1024 * 1024;
export const DEFAULT_CACHE_MEGABYTES = 64;

export interface AppOptions {
  /** The DuckDB file built by `ccmart build`. */
  dbPath: string;
  /** Folder with pages/ and static/ (default: the repository's dashboards/). */
  dashboardsDir?: string;
  pool?: PoolOptions;
  analyst?: AnalystOptions;
  /** Memory for answers kept to serve repeated requests (default 64 MB; 0 turns caching off). */
  cacheMegabytes?: number;
  /** How often requests look for a new build renamed over dbPath by `ccmart refresh` (default 1000 ms). */
  checkIntervalMs?: number;
  /** The inbox POST /api/refresh ingests (`ccmart serve --inbox`); without it the endpoint answers 409. */
  refresh?: RefreshSettings;
  /** Where unexpected errors are reported (default: stderr, without request data or quoted values). */
  logError?: (err: unknown, path: string) => void;
  /** API tokens and their roles; none leaves everything open, for use on this machine (api/auth.ts). */
  tokens?: TokenEntry[];
  /** Requests per token when tokens are configured (default 20 a second, bursts of 120); null turns it off. */
  rateLimit?: RateLimitOptions | null;
}

export type ApiApp = Hono & {
  /** Opens the database now, so a bad file fails at start rather than on the first request. */
  ready(): Promise<void>;
  switchToLatest(): Promise<boolean>;
  close(): Promise<void>;
};

/**
 * Content-Security-Policy: everything from this origin only (no inline script or style, no eval), no framing.
 * Vega then needs its expression interpreter: see /vendor/vega-interpreter.js in routes/pages.ts.
 */
const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  referrerPolicy: 'no-referrer',
  xFrameOptions: 'DENY',
  strictTransportSecurity: false,
});

export function createApp(opts: AppOptions): ApiApp {
  if (!existsSync(opts.dbPath)) throw new UserError(`database file ${opts.dbPath} does not exist (build it with ccmart build)`);
  const logError = opts.logError ?? ((err: unknown, path: string) => console.error(`ccmart serve: error on ${path}: ${loggableError(err)}`));
  const tokens = new Tokens(opts.tokens ?? []);
  const rate = opts.rateLimit === undefined ? DEFAULT_RATE_LIMIT : opts.rateLimit;
  const cacheBytes = (opts.cacheMegabytes ?? DEFAULT_CACHE_MEGABYTES) * 1024 * 1024;
  const answers = newAnswerCache(cacheBytes);
  // A refresh renames a new build over the file: requests move to it, answers of the old one are dropped.
  const marts = openMarts(opts.dbPath, {
    pool: opts.pool,
    analyst: opts.analyst,
    checkIntervalMs: opts.checkIntervalMs,
    onSwitch: () => {
      answers.clear();
      deps.memo.clear();
      deps.held.clear();
    },
    logError: (err) => logError(err, opts.dbPath),
  });
  const generation = () => marts.live.generation().id;
  const deps: Deps = {
    db: marts.db,
    get analyst() {
      return marts.live.generation().analyst;
    },
    memo: new Memo(cacheBytes > 0, generation),
    held: new Memo(true, generation),
  };
  const refresher = opts.refresh ? new Refresher(opts.dbPath, opts.refresh, () => marts.live.checkNow()) : undefined;
  const openapi = openApiDocument(routeDocs, {
    title: 'ccmart API',
    version: '0.1.0',
    description: 'Contact-center KPIs, journeys, workforce figures and read-only SQL on the ccmart marts.',
  });

  let closing = false;
  const app = new Hono();
  app.use(securityHeaders);
  app.use(accessControl({ tokens, limiter: tokens.configured && rate ? new RateLimiter(rate) : null }));
  app.use(
    bodyLimit({
      maxSize: BODY_LIMIT_BYTES,
      onError: (c) => c.json({ error: `body: larger than ${BODY_LIMIT_BYTES / 1024 / 1024} MB`, parameter: 'body' } satisfies ErrorBody, 413),
    }),
  );
  // Each API request reads one build from start to end, named in x-ccmart-build.
  app.use('/api/*', (c, next) =>
    marts.live.request(async () => {
      await next();
      c.header('x-ccmart-build', marts.live.generation().build ?? 'none');
    }),
  );
  // Outside the answer cache, which keeps one unmasked copy; transfers to a queue keep the queue's name.
  const queueIds = () => deps.memo.get('privacy:queues', async () => new Set((await queues(deps.db)).map((q) => q.queue_id)));
  app.use('/api/*', maskForViewers({ masker: new Masker(), publicNames: queueIds }));
  // Health and the refresh state stay live; chart specs depend on Accept-Language.
  const live = new Set(['/api/health', '/api/refresh']);
  // A what-if is a pure function of its body and the build: planners and dashboards repeat the same ones.
  if (cacheBytes > 0) app.use('/api/*', answerCache(answers, (path) => !live.has(path) && !path.startsWith('/api/spec'), generation, new Set(['/api/whatif'])));

  app.route('/api/health', healthRouter(deps));
  app.route('/api/meta', metaRouter(deps));
  app.route('/api/kpis', kpisRouter(deps));
  app.route('/api/breakpoints', breakpointsRouter(deps));
  app.route('/api/flow', flowRouter(deps));
  app.route('/api/journeys', journeysRouter(deps));
  app.route('/api/tickets', ticketsRouter(deps));
  app.route('/api/bot', botRouter(deps));
  app.route('/api/agents', agentsRouter(deps));
  app.route('/api/forecast', forecastRouter(deps));
  app.route('/api/staffing', staffingRouter(deps));
  app.route('/api/schedule', scheduleRouter(deps));
  app.route('/api/coverage', coverageRouter(deps));
  app.route('/api/whatif', whatifRouter(deps));
  app.route('/api/catalog', catalogRouter(deps));
  app.route('/api/sql', sqlRouter(deps));
  app.route('/api/refresh', refreshRouter(refresher));
  app.route('/api/spec', specRoutes);
  app.get('/openapi.json', (c) => c.json(openapi));
  app.route('/', pagesRouter({ dashboardsDir: opts.dashboardsDir ?? fileURLToPath(new URL('../dashboards/', import.meta.url)) }));

  app.notFound((c) => c.json({ error: 'not found' } satisfies ErrorBody, 404));
  app.onError((err, c) => {
    if (err instanceof ApiError) return c.json({ error: err.message, ...(err.parameter && { parameter: err.parameter }) } satisfies ErrorBody, err.status);
    if (err instanceof HTTPException) return c.json({ error: err.message || 'bad request' } satisfies ErrorBody, err.status as ContentfulStatusCode);
    // requests cut short by closing the database are no news
    if (!closing) logError(err, `${c.req.method} ${c.req.routePath}`);
    return c.json({ error: 'internal error' } satisfies ErrorBody, 500);
  });

  return Object.assign(app, {
    ready: () => marts.open(),
    /** Looks for a new build at the path now instead of on a later request; true when it switched. */
    switchToLatest: () => marts.live.checkNow(),
    async close() {
      closing = true;
      refresher?.stop();
      answers.clear();
      deps.memo.clear();
      deps.held.clear();
      await marts.close();
    },
  });
}
