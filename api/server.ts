/** Serves the API app over HTTP (@hono/node-server) on a host and port; port 0 picks a free one. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp, type AppOptions } from './app.ts';

export interface ServerOptions extends AppOptions {
  host?: string;
  port?: number;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8787/ */
  url: string;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const app = createApp(opts);
  try {
    await app.ready();
  } catch (err) {
    await app.close().catch(() => {});
    throw err;
  }
  const host = opts.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: opts.port ?? 8787 }) as Server;
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
