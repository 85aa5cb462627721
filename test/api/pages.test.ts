/**
 * Pages, assets and the Vega browser builds. The builds run here in a V8 context with code generation from
 * strings disabled, as under the pages' Content-Security-Policy: Vega's own expression compiler fails there,
 * and the served interpreter evaluates the same expressions.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ApiApp } from '../../api/app.ts';
import { buildFixtureDb, cleanup, tempDir } from './helpers.ts';

let dir: string;
let withPages: ApiApp;
let withoutPages: ApiApp;

beforeAll(async () => {
  dir = tempDir();
  const dbPath = await buildFixtureDb(dir);
  const dashboards = join(dir, 'dashboards');
  mkdirSync(join(dashboards, 'pages'), { recursive: true });
  mkdirSync(join(dashboards, 'static', 'img'), { recursive: true });
  writeFileSync(join(dashboards, 'pages', 'overview.html'), '<!doctype html><title>overview</title>');
  writeFileSync(join(dashboards, 'pages', 'journeys.html'), '<!doctype html><title>journeys</title>');
  writeFileSync(join(dashboards, 'static', 'app.css'), 'body { margin: 0 }');
  writeFileSync(join(dashboards, 'static', 'img', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, 'secret.txt'), 'not for the web');
  withPages = createApp({ dbPath, dashboardsDir: dashboards });
  withoutPages = createApp({ dbPath, dashboardsDir: join(dir, 'nothing-here') });
});

afterAll(async () => {
  await Promise.all([withPages?.close(), withoutPages?.close()]);
  cleanup(dir);
});

describe('pages and assets', () => {
  it('serves dashboards/pages/NAME.html at /NAME and the overview at /', async () => {
    for (const [path, title] of [['/', 'overview'], ['/journeys', 'journeys']] as const) {
      const res = await withPages.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain(`<title>${title}</title>`);
    }
    expect((await withPages.request('/workforce')).status).toBe(404);
  });

  it('answers a placeholder linking to the API until the pages exist', async () => {
    const res = await withoutPages.request('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('href="/api/health"');
    expect(html).toContain('href="/openapi.json"');
  });

  it('serves dashboards/static under /assets/ and nothing outside it', async () => {
    const css = await withPages.request('/assets/app.css');
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(await css.text()).toBe('body { margin: 0 }');
    const svg = await withPages.request('/assets/img/logo.svg');
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    for (const path of ['/assets/../secret.txt', '/assets/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/img/../../secret.txt', '/assets/']) {
      const res = await withPages.request(path);
      expect(res.status, path).toBe(404);
    }
  });
});

describe('/vendor', () => {
  const noEval = () => {
    const ctx = createContext({ console, setTimeout, clearTimeout, setInterval, clearInterval, structuredClone }, { codeGeneration: { strings: false, wasm: false } });
    runInContext('globalThis.self = globalThis;', ctx);
    return ctx;
  };
  const spec = `({ data: [{ name: 't', values: [{ x: 1 }, { x: 2 }, { x: 3 }],
    transform: [{ type: 'filter', expr: 'datum.x > 1' }, { type: 'formula', as: 'y', expr: 'datum.x * 10' }] }] })`;

  it('serves the browser builds of vega, vega-lite and vega-embed as scripts defining their globals', async () => {
    const ctx = noEval();
    for (const [file, global] of [['vega.js', 'vega'], ['vega-lite.js', 'vegaLite'], ['vega-embed.js', 'vegaEmbed']]) {
      const res = await withPages.request(`/vendor/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/javascript');
      runInContext(await res.text(), ctx);
      expect(typeof runInContext(global!, ctx), global).not.toBe('undefined');
    }
    expect(runInContext('typeof vegaLite.compile', ctx)).toBe('function');
  });

  it('Vega needs eval for expressions; the served interpreter evaluates them without', async () => {
    const ctx = noEval();
    runInContext(await (await withPages.request('/vendor/vega.js')).text(), ctx);
    expect(() => runInContext(`new vega.View(vega.parse(${spec}), { renderer: 'none' })`, ctx)).toThrow(/Code generation from strings disallowed/);
    runInContext(await (await withPages.request('/vendor/vega-interpreter.js')).text(), ctx);
    const data = await runInContext(
      `(() => { const view = new vega.View(vega.parse(${spec}, null, { ast: true }), { expr: vega.expressionInterpreter, renderer: 'none' });
         return view.runAsync().then(() => JSON.stringify(view.data('t'))); })()`,
      ctx,
    );
    expect(JSON.parse(data)).toEqual([{ x: 2, y: 20 }, { x: 3, y: 30 }]);
  });
});
