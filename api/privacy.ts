/**
 * What viewers may not see: the personal fields of API answers (people's ids, names, phone numbers) are
 * replaced by a short keyed tag, so rows stay distinguishable (the same person always gets the same tag while
 * the server runs) but the tag cannot be turned back into the value, even by trying every phone number.
 * Analysts and admins see the ids as stored (pseudonymised at ingest where the configuration says so).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { requestRole } from './auth.ts';
import type { ErrorBody } from './errors.ts';

/**
 * Answer fields holding a person's identity. The KPI endpoints only answer counts; agents appear by id
 * (`/api/agents`, `/api/kpis?by=agent`, `/api/schedule`, which also names them), and customers in no
 * dashboard answer today: their fields are listed so that one added later is masked too.
 */
export const personalFields: readonly string[] = [
  'agent_id',
  'agent_name',
  'assignee',
  'customer_id',
  'customer_name',
  'caller_id',
  'caller_number',
  'ani',
  'phone',
  'phone_number',
  'email',
];

/** Fields holding node keys (`type:name`), and the node types whose name is an agent (or, for transfer, may be). */
export const nodeFields: readonly string[] = ['node_key', 'from_node', 'to_node', 'next_node'];
export const personalNodeTypes: readonly string[] = ['agent_talk', 'hold', 'acw', 'transfer'];

/** Query parameters a viewer may not filter by: trying names one by one would tell who is behind a tag. */
export const personalParameters: readonly string[] = ['agent', 'customer'];

const TAG_LENGTH = 10;

export class Masker {
  private readonly fields = new Set(personalFields);
  private readonly nodes = new Set(nodeFields);
  private readonly nodeTypes = new Set(personalNodeTypes);
  private readonly quickCheck: RegExp;

  constructor(private readonly key: Buffer = randomBytes(32)) {
    this.quickCheck = new RegExp(`"(${[...personalFields, ...nodeFields].join('|')})"`);
  }

  /** `~` and 10 hex digits of HMAC-SHA256(server key, value). */
  tag(value: string): string {
    return `~${createHmac('sha256', this.key).update(value, 'utf8').digest('hex').slice(0, TAG_LENGTH)}`;
  }

  /** Whether a JSON text may hold something to mask (saves parsing answers that cannot). */
  mayHold(json: string): boolean {
    return this.quickCheck.test(json);
  }

  /**
   * A copy of `value` with personal fields tagged; `publicNames` are node names left as they are (queues a
   * contact was transferred to, for instance).
   */
  mask(value: unknown, publicNames: ReadonlySet<string> = new Set()): unknown {
    if (Array.isArray(value)) return value.map((v) => this.mask(v, publicNames));
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (this.fields.has(k) && (typeof v === 'string' || typeof v === 'number')) out[k] = this.tag(String(v));
      else if (this.nodes.has(k) && typeof v === 'string') out[k] = this.maskNode(v, publicNames);
      else out[k] = this.mask(v, publicNames);
    }
    return out;
  }

  private maskNode(key: string, publicNames: ReadonlySet<string>): string {
    const i = key.indexOf(':');
    if (i < 0) return key;
    const type = key.slice(0, i);
    const name = key.slice(i + 1);
    if (!this.nodeTypes.has(type) || publicNames.has(name) || /^\(.*\)$/.test(name)) return key;
    return `${type}:${this.tag(name)}`;
  }
}

export interface ViewerMaskOptions {
  masker: Masker;
  /** Node names that are not people (the queues). */
  publicNames: () => Promise<ReadonlySet<string>>;
}

/**
 * For viewers, masks the JSON answers of /api and refuses personal filters. It runs outside the answer cache,
 * so the cache keeps one unmasked answer and a viewer is never handed an analyst's copy.
 */
export function maskForViewers(opts: ViewerMaskOptions): MiddlewareHandler {
  return async (c, next) => {
    if (requestRole(c) !== 'viewer') return next();
    const refused = personalParameters.find((p) => c.req.query(p) !== undefined);
    if (refused) {
      return c.json({ error: `${refused}: filtering by ${refused} needs the analyst role (viewers see people as tags)`, parameter: refused } satisfies ErrorBody, 403);
    }
    await next();
    const res = c.res;
    if (!(res.headers.get('content-type') ?? '').startsWith('application/json')) return;
    const text = await res.clone().text();
    if (!opts.masker.mayHold(text)) return;
    let masked: string;
    let status = res.status;
    try {
      masked = JSON.stringify(opts.masker.mask(JSON.parse(text), await opts.publicNames()));
    } catch {
      // never hand over what could not be masked
      masked = JSON.stringify({ error: 'internal error' } satisfies ErrorBody);
      status = 500;
    }
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    c.res = undefined;
    c.res = new Response(masked, { status, headers });
  };
}

/**
 * An error as the server log shows it: quoted values in the message (DuckDB quotes the offending value) are
 * left out, and so is everything of the request (body, query string).
 */
export function loggableError(err: unknown): string {
  if (!(err instanceof Error)) return `non-error thrown (${typeof err})`;
  const redact = (s: string) => s.replace(/'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"/g, (q) => `${q[0]}…${q[0]}`);
  const frames = (err.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  return [`${err.name}: ${redact(err.message)}`, ...frames].join('\n');
}
