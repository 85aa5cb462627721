/**
 * Serves the API app over HTTP (@hono/node-server) on a host and port; port 0 picks a free one. Without
 * access tokens only this machine may connect: any other address is refused.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { UserError } from '../core/errors.ts';
import { createApp, type AppOptions } from './app.ts';

/** Addresses that only this machine can reach. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', '::1', 'localhost'];

/** Refuses to serve the marts open to other machines. */
export function checkHost(host: string, hasTokens: boolean): void {
  if (hasTokens || LOOPBACK_HOSTS.includes(host.toLowerCase())) return;
  throw new UserError(
    `--host ${host}: refusing to listen on an address other machines can reach without access tokens. ` +
      'Configure tokens (CCMART_TOKENS="viewer:TOKEN,…" or --tokens-file FILE), or keep the default 127.0.0.1.',
  );
}

export interface ServerOptions extends AppOptions {
  host?: string;
  port?: number;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8787/ */
  url: string;
  close(): Promise<void>;
}

type Bindings = { incoming: { readableEnded: boolean } };

/**
 * An answer given before the request's body was read (401, 413, …) closes the connection: the client may still
 * be sending that body, and a connection it reused would be cut while the rest is thrown away.
 */
function closingUnreadBodies(fetch: (req: Request, env: Bindings) => Response | Promise<Response>) {
  return async (req: Request, env: Bindings) => {
    const res = await fetch(req, env);
    if (req.method === 'GET' || req.method === 'HEAD' || env.incoming.readableEnded) return res;
    const headers = new Headers(res.headers);
    headers.set('connection', 'close');
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  };
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  checkHost(host, (opts.tokens?.length ?? 0) > 0);
  const app = createApp(opts);
  try {
    await app.ready();
  } catch (err) {
    await app.close().catch(() => {});
    throw err;
  }
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: closingUnreadBodies(app.fetch), hostname: host, port: opts.port ?? 8787 }) as Server;
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  }).catch(async (err) => {
    await app.close().catch(() => {});
    throw err;
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await app.close();
    },
  };
}
