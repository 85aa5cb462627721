/** GET /api/catalog: every published table and column with its description (mart_catalog). */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { defineRoute } from '../route.ts';
import { catalogRows } from '../queries/meta.ts';

export const catalogDoc = defineRoute({
  method: 'get',
  path: '/api/catalog',
  tag: 'Meta',
  summary: 'The mart catalog: tables, layers, columns, types and descriptions',
  response: z.strictObject({
    tables: z.array(
      z.strictObject({
        table_name: z.string(),
        layer: z.string(),
        description: z.string().nullable(),
        columns: z.array(z.strictObject({ name: z.string(), type: z.string(), description: z.string().nullable() })),
      }),
    ),
  }),
});

export function catalogRouter(deps: Deps) {
  return new Hono().get('/', async (c) => {
    const tables = new Map<string, { table_name: string; layer: string; description: string | null; columns: { name: string; type: string; description: string | null }[] }>();
    for (const r of await catalogRows(deps.db)) {
      let t = tables.get(r.table_name);
      if (!t) tables.set(r.table_name, (t = { table_name: r.table_name, layer: r.layer, description: r.table_description, columns: [] }));
      t.columns.push({ name: r.column_name, type: r.column_type, description: r.column_description });
    }
    return c.json({ tables: [...tables.values()] });
  });
}
