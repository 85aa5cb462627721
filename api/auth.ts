/**
 * Access control: API tokens with roles (viewer < analyst < admin), read from CCMART_TOKENS or a tokens file,
 * sent as `Authorization: Bearer TOKEN`, and one table of the least role each route needs. Without tokens the
 * server is open (it then listens on this machine only: see api/server.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Context, MiddlewareHandler } from 'hono';
import { UserError } from '../core/errors.ts';
import type { ErrorBody } from './errors.ts';
import type { RateLimiter } from './rateLimit.ts';

export const roles = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof roles)[number];
/** What a route needs: no token at all, or a token of at least this role. */
export type Need = Role | 'open';

export const MIN_TOKEN_LENGTH = 16;
const MAX_TOKEN_LENGTH = 512;
/** RFC 6750 token characters, so a token travels in the header unchanged. */
const tokenShape = /^[A-Za-z0-9\-._~+/]+=*$/;

export interface TokenEntry {
  role: Role;
  token: string;
}

export const rank = (need: Need): number => (need === 'open' ? -1 : roles.indexOf(need));

/**
 * `role:token` entries, separated by commas or new lines; blank lines and lines starting with # are skipped.
 * Errors name the entry by its place (never show the token).
 */
export function parseTokens(text: string, source: string): TokenEntry[] {
  const entries: TokenEntry[] = [];
  const seen = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, lineIndex) => {
    if (line.trim().startsWith('#')) return;
    line.split(',').forEach((raw, i, all) => {
      const item = raw.trim();
      if (!item) return;
      const where = `${source}${text.includes('\n') ? ` line ${lineIndex + 1}` : ''}${all.length > 1 ? ` entry ${i + 1}` : ''}`;
      const colon = item.indexOf(':');
      if (colon < 0) throw new UserError(`${where}: expected role:token (roles: ${roles.join(', ')})`);
      const role = item.slice(0, colon).trim().toLowerCase();
      const token = item.slice(colon + 1).trim();
      if (!(roles as readonly string[]).includes(role)) throw new UserError(`${where}: unknown role "${role.slice(0, 20)}" (roles: ${roles.join(', ')})`);
      if (token.length < MIN_TOKEN_LENGTH) throw new UserError(`${where}: the ${role} token is shorter than ${MIN_TOKEN_LENGTH} characters`);
      if (token.length > MAX_TOKEN_LENGTH) throw new UserError(`${where}: the ${role} token is longer than ${MAX_TOKEN_LENGTH} characters`);
      if (!tokenShape.test(token)) throw new UserError(`${where}: the ${role} token may hold only letters, digits and - . _ ~ + / (and = at the end)`);
      const before = seen.get(token);
      if (before) throw new UserError(`${where}: the same token is already given (${before})`);
      seen.set(token, where);
      entries.push({ role: role as Role, token });
    });
  });
  return entries;
}

/** Tokens from the environment variable and a file (either may be missing). */
export function loadTokens(opts: { env?: string | undefined; file?: string | undefined }): TokenEntry[] {
  const fromEnv = opts.env ? parseTokens(opts.env, 'CCMART_TOKENS') : [];
  let fromFile: TokenEntry[] = [];
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (err) {
      throw new UserError(`--tokens-file: cannot read ${opts.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    fromFile = parseTokens(text, `--tokens-file ${opts.file}`);
    if (!fromFile.length) throw new UserError(`--tokens-file: ${opts.file} holds no role:token entry`);
  }
  const all = [...fromEnv, ...fromFile];
  if (new Set(all.map((e) => e.token)).size < all.length) throw new UserError('the same token is given in CCMART_TOKENS and in --tokens-file');
  return all;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Equal strings, compared in a time that does not depend on where they differ or on their lengths. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export interface Identity {
  role: Role;
  /** Names the token in rate limits and messages without showing it: `viewer#2`. */
  id: string;
}

export class Tokens {
  private readonly known: { digest: Buffer; identity: Identity }[];

  constructor(entries: TokenEntry[]) {
    const count: Record<string, number> = {};
    this.known = entries.map((e) => ({ digest: digest(e.token), identity: { role: e.role, id: `${e.role}#${(count[e.role] = (count[e.role] ?? 0) + 1)}` } }));
  }

  get configured(): boolean {
    return this.known.length > 0;
  }

  /** How many tokens each role has. */
  perRole(): Record<Role, number> {
    const out = { viewer: 0, analyst: 0, admin: 0 };
    for (const k of this.known) out[k.identity.role]++;
    return out;
  }

  /** The token's identity; every known token is compared, so the time taken tells nothing about which matched. */
  identify(presented: string): Identity | null {
    const d = digest(presented);
    let found: Identity | null = null;
    for (const k of this.known) if (timingSafeEqual(d, k.digest)) found = k.identity;
    return found;
  }
}

/** The token of an `Authorization: Bearer TOKEN` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header || header.length > MAX_TOKEN_LENGTH + 20) return null;
  const m = /^Bearer +(\S+) *$/i.exec(header);
  return m ? m[1]! : null;
}

export interface AccessRule {
  method: 'GET' | 'POST' | '*';
  /** The path and everything below it; `/` alone is only the home page, `/{page}` any one-segment path. */
  path: string;
  need: Need;
}

/**
 * The least role of every route. A path under /api without a rule needs admin, so a new endpoint is closed
 * until it is given one (test/api/auth.test.ts checks every served route has its own rule).
 */
export const accessRules: AccessRule[] = [
  { method: '*', path: '/api/admin', need: 'admin' },
  { method: '*', path: '/api/refresh', need: 'admin' },
  { method: 'POST', path: '/api/sql', need: 'analyst' },
  { method: '*', path: '/api/export', need: 'analyst' },
  { method: 'GET', path: '/api/health', need: 'open' },
  ...['meta', 'kpis', 'breakpoints', 'flow', 'journeys', 'tickets', 'bot', 'agents', 'forecast', 'staffing', 'schedule', 'coverage', 'catalog', 'spec'].map(
    (name): AccessRule => ({ method: 'GET', path: `/api/${name}`, need: 'viewer' }),
  ),
  { method: 'POST', path: '/api/whatif', need: 'viewer' },
  // Pages, their scripts and styles and the API description hold no data.
  { method: 'GET', path: '/openapi.json', need: 'open' },
  { method: 'GET', path: '/assets', need: 'open' },
  { method: 'GET', path: '/vendor', need: 'open' },
  { method: 'GET', path: '/', need: 'open' },
  { method: 'GET', path: '/{page}', need: 'open' },
];

/** Downloads of query results are exports: analysts' work. */
const exportFormats = new Set(['csv', 'parquet']);

function matches(rule: AccessRule, method: string, path: string): boolean {
  if (rule.method !== '*' && rule.method !== method) return false;
  if (rule.path === '/') return path === '/';
  if (rule.path === '/{page}') return /^\/[^/]+$/.test(path);
  return path === rule.path || path.startsWith(`${rule.path}/`);
}

/** The rule that decides a request, or undefined (then admin is needed). */
export function ruleFor(method: string, path: string): AccessRule | undefined {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return accessRules.find((r) => matches(r, m, path));
}

/** The least role a request needs; `format` is the query's format parameter, if any. */
export function requiredRole(method: string, path: string, format?: string): Need {
  const need = ruleFor(method, path)?.need ?? 'admin';
  if (format !== undefined && exportFormats.has(format.toLowerCase()) && rank(need) < rank('analyst')) return 'analyst';
  return need;
}

export interface AccessOptions {
  tokens: Tokens;
  /** Per token; null when off. */
  limiter: RateLimiter | null;
}

const ROLE_KEY = 'ccmartRole';

/**
 * The role a request was let in with: the token's role, or admin when no tokens are configured (local use);
 * null for an open route asked without a token.
 */
export function requestRole(c: Context): Role | null {
  return (c.get(ROLE_KEY as never) as Role | null | undefined) ?? null;
}

const deny = (c: Context, status: 401 | 403, error: string, invalid = false) => {
  if (status === 401) c.header('WWW-Authenticate', `Bearer realm="ccmart"${invalid ? ', error="invalid_token"' : ''}`);
  return c.json({ error } satisfies ErrorBody, status);
};

export function accessControl(opts: AccessOptions): MiddlewareHandler {
  const { tokens, limiter } = opts;
  return async (c, next) => {
    if (!tokens.configured) {
      c.set(ROLE_KEY as never, 'admin' as never);
      return next();
    }
    const need = requiredRole(c.req.method, c.req.path, c.req.query('format'));
    const presented = bearerToken(c.req.header('authorization'));
    const who = presented === null ? null : tokens.identify(presented);
    if (who && limiter) {
      const wait = limiter.take(who.id);
      if (wait > 0) {
        c.header('Retry-After', String(Math.ceil(wait)));
        return c.json({ error: `too many requests for this token (${limiter.describe()}): try again in ${Math.ceil(wait)} s` } satisfies ErrorBody, 429);
      }
    }
    if (need !== 'open') {
      if (!who) {
        return presented === null
          ? deny(c, 401, 'this needs an access token: send Authorization: Bearer TOKEN')
          : deny(c, 401, 'the access token is not known', true);
      }
      if (rank(who.role) < rank(need)) return deny(c, 403, `this needs the ${need} role; the token is a ${who.role} token`);
    }
    c.set(ROLE_KEY as never, (who?.role ?? null) as never);
    return next();
  };
}
