/**
 * The dashboards as the API serves them: pages from dashboards/pages/NAME.html at /NAME (the overview at /),
 * files from dashboards/static/ under /assets/, and the Vega libraries' browser builds from node_modules
 * under /vendor/ (never a CDN). Until the pages exist, / answers a small page linking to the API.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { Hono } from 'hono';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

const require = createRequire(import.meta.url);

/** The installed folder of a package (found from its entry point: not every package exports package.json). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`package ${name}: folder not found`);
    dir = up;
  }
}

/** Browser builds served under /vendor/ (UMD bundles that define the globals vega, vegaLite, vegaEmbed). */
export const vendorFiles: Record<string, () => string> = {
  'vega.js': () => join(packageDir('vega'), 'build', 'vega.min.js'),
  'vega-lite.js': () => join(packageDir('vega-lite'), 'build', 'vega-lite.min.js'),
  'vega-embed.js': () => join(packageDir('vega-embed'), 'build', 'vega-embed.min.js'),
};

/**
 * Vega compiles expressions with `new Function`, which the pages' Content-Security-Policy (no 'unsafe-eval')
 * forbids; vega-interpreter evaluates them instead. Its build is an ES module importing three helpers from
 * vega-util that the vega bundle already exposes, so it is served as a classic script that sets
 * `vega.expressionInterpreter`. Load it after /vendor/vega.js and embed with
 * `{ ast: true, expr: vega.expressionInterpreter }`.
 */
async function vegaInterpreter(): Promise<string> {
  const source = await readFile(join(packageDir('vega-interpreter'), 'build', 'vega-interpreter.js'), 'utf8');
  const imports = /^import\s*\{([^}]*)\}\s*from\s*'vega-util';\s*$/m;
  const exported = /^export\s*\{\s*(\w+)\s+as\s+expressionInterpreter\s*\};\s*$/m;
  const names = imports.exec(source)?.[1];
  const local = exported.exec(source)?.[1];
  if (!names || !local) throw new Error('vega-interpreter: unexpected build layout');
  const body = source.replace(imports, '').replace(exported, '');
  return `(function () {\n'use strict';\nconst {${names}} = globalThis.vega;\n${body}\nglobalThis.vega.expressionInterpreter = ${local};\n})();\n`;
}

const placeholder = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ccmart</title></head>
<body>
<h1>ccmart</h1>
<p>The dashboards are not installed yet. The API answers:</p>
<ul>
<li><a href="/api/health">/api/health</a></li>
<li><a href="/api/meta">/api/meta</a></li>
<li><a href="/api/kpis?grain=day&amp;by=queue">/api/kpis?grain=day&amp;by=queue</a></li>
<li><a href="/api/catalog">/api/catalog</a></li>
<li><a href="/openapi.json">/openapi.json</a> (every endpoint and parameter)</li>
</ul>
</body></html>
`;

async function readIfFile(path: string): Promise<Buffer | null> {
  try {
    if (!(await stat(path)).isFile()) return null;
    return await readFile(path);
  } catch {
    return null;
  }
}

/** `relative` inside `root`, or null when it would leave it. */
function inside(root: string, relative: string): string | null {
  const full = resolve(root, relative);
  return full.startsWith(root + sep) ? full : null;
}

const escapeAttribute = (value: string) => value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

const ARGS = String.raw`(?:\s+[a-z][a-z0-9-]*="[^"]*")*`;
/** `{{> name key="value"}}` or `{{#name key="value"}}children{{/name}}`. */
const PARTIAL = new RegExp(
  String.raw`\{\{>\s*(?<name>[a-z][a-z0-9-]*)(?<args>${ARGS})\s*\}\}` +
    String.raw`|\{\{#(?<block>[a-z][a-z0-9-]*)(?<blockArgs>${ARGS})\s*\}\}(?<children>[\s\S]*?)\{\{\/\k<block>\}\}`,
  'g',
);

/**
 * Markup shared by several pages, kept once in pages/_NAME.html. A page writes `{{> NAME key="value" …}}`, or
 * `{{#NAME key="value" …}}inner markup{{/NAME}}`; the partial's `{{key}}` takes the value (escaped) and its
 * `{{children}}` the inner markup (nothing in the short form); a comment opening the partial describes it and is
 * left out. A missing partial, or a `{{key}}` the page gives no value for, is an error, so a typo cannot ship
 * a half-filled page.
 */
export async function fillPartials(page: string, read: (name: string) => Promise<string | null>): Promise<string> {
  const uses = [...page.matchAll(PARTIAL)];
  const filled = await Promise.all(
    uses.map(async ({ groups = {} }) => {
      const name = (groups.name ?? groups.block)!;
      const partial = await read(name);
      if (partial === null) throw new Error(`page partial _${name}.html: not found`);
      const given = (groups.args ?? groups.blockArgs ?? '').matchAll(/([a-z][a-z0-9-]*)="([^"]*)"/g);
      const values = new Map([...given].map(([, key, value]) => [key!, escapeAttribute(value!)]));
      values.set('children', groups.children?.trim() ?? '');
      return fillPartial(name, partial, values);
    }),
  );
  let out = '';
  let done = 0;
  uses.forEach((use, i) => {
    // The partial's lines take the indentation of the line its tag stands on.
    const indent = /^[ \t]*/.exec(page.slice(page.lastIndexOf('\n', use.index - 1) + 1, use.index))![0];
    out += page.slice(done, use.index) + filled[i]!.replaceAll('\n', `\n${indent}`);
    done = use.index + use[0].length;
  });
  return out + page.slice(done);
}

function fillPartial(name: string, partial: string, values: Map<string, string>): string {
  const value = (key: string) => {
    const v = values.get(key);
    if (v === undefined) throw new Error(`page partial _${name}.html: no value for {{${key}}}`);
    return v;
  };
  return (
    partial
      .replace(/^\s*<!--[\s\S]*?-->/, '')
      .trim()
      // A line holding nothing but an empty value goes.
      .replace(/^[ \t]*\{\{([a-z][a-z0-9-]*)\}\}[ \t]*\n/gm, (line, key: string) => (value(key) === '' ? '' : line))
      .replace(/\{\{([a-z][a-z0-9-]*)\}\}/g, (_, key: string) => value(key))
  );
}

export interface PagesOptions {
  /** Folder holding pages/ and static/ (default: the repository's dashboards/). */
  dashboardsDir: string;
}

export function pagesRouter(opts: PagesOptions) {
  const pagesDir = resolve(opts.dashboardsDir, 'pages');
  const staticDir = resolve(opts.dashboardsDir, 'static');
  const vendorCache = new Map<string, Uint8Array<ArrayBuffer>>();
  const app = new Hono();

  /**
   * A page: dashboards/pages/NAME.html with its partials filled in, set inside pages/_layout.html (the shared
   * head and navigation) unless it is a whole document itself.
   */
  const page = async (name: string) => {
    const body = await readIfFile(join(pagesDir, `${name}.html`));
    if (!body) return null;
    const text = body.toString('utf8');
    if (/^\s*<!doctype/i.test(text)) return body;
    const layout = await readIfFile(join(pagesDir, '_layout.html'));
    if (!layout) return body;
    const content = await fillPartials(text, async (partial) => (await readIfFile(join(pagesDir, `_${partial}.html`)))?.toString('utf8') ?? null);
    return Buffer.from(layout.toString('utf8').replaceAll('{{page}}', name).replace('{{content}}', () => content), 'utf8');
  };
  const html = (body: string | Uint8Array<ArrayBuffer>) =>
    new Response(body, { headers: { 'Content-Type': contentTypes['.html']!, 'Cache-Control': 'no-cache' } });

  app.get('/', async (c) => {
    const body = (await page('index')) ?? (await page('overview'));
    return body ? html(new Uint8Array(body)) : c.html(placeholder);
  });

  app.get('/:name{[a-z][a-z0-9-]*}', async (c) => {
    const body = await page(c.req.param('name'));
    return body ? html(new Uint8Array(body)) : c.notFound();
  });

  app.get('/assets/*', async (c) => {
    let relative: string;
    try {
      relative = decodeURIComponent(c.req.path.slice('/assets/'.length));
    } catch {
      return c.notFound();
    }
    const path = relative.includes('\0') ? null : inside(staticDir, relative);
    const body = path ? await readIfFile(path) : null;
    if (!body || !path) return c.notFound();
    return c.body(new Uint8Array(body), 200, {
      'Content-Type': contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
    });
  });

  app.get('/vendor/:file', async (c) => {
    const file = c.req.param('file');
    if (!(file in vendorFiles) && file !== 'vega-interpreter.js') return c.notFound();
    let body = vendorCache.get(file);
    if (!body) {
      body = new Uint8Array(file === 'vega-interpreter.js' ? Buffer.from(await vegaInterpreter()) : await readFile(vendorFiles[file]!()));
      vendorCache.set(file, body);
    }
    return c.body(body, 200, { 'Content-Type': contentTypes['.js']!, 'Cache-Control': 'public, max-age=86400' });
  });

  return app;
}
