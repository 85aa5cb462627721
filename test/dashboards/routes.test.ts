/** GET /api/spec/NAME: the builders over HTTP, with their parameters checked and the language negotiated. */
import { describe, expect, it } from 'vitest';
import { specRoutes } from '../../dashboards/routes.ts';
import { charts } from '../../dashboards/specs/index.ts';

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await specRoutes.request(path, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('/api/spec', () => {
  it('lists every chart with its parameters', async () => {
    const { status, body } = await get('/');
    expect(status).toBe(200);
    const list = body.charts as { name: string; parameters: string[] }[];
    expect(list.map((c) => c.name).sort()).toEqual(Object.keys(charts).sort());
    expect(list.find((c) => c.name === 'kpi-trend')?.parameters).toEqual(['lang', 'metric', 'target', 'threshold']);
  });

  it('answers a Vega-Lite spec in the language asked for', async () => {
    const zh = await get('/kpi-trend?lang=zh&metric=abandon_rate&target=0.05');
    expect(zh.status).toBe(200);
    expect(zh.body.$schema).toContain('vega-lite');
    expect(JSON.stringify(zh.body)).toContain('放弃率');
    expect(JSON.stringify(zh.body)).toContain('目标 5%');
    const en = await get('/kpi-trend?metric=abandon_rate', { 'accept-language': 'en-US,en;q=0.9' });
    expect(JSON.stringify(en.body)).toContain('Abandon rate');
    const browserZh = await get('/kpi-trend?metric=abandon_rate', { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' });
    expect(JSON.stringify(browserZh.body)).toContain('放弃率');
  });

  it('takes series as a list, repeated or comma-separated', async () => {
    const a = await get('/required-agents?series=scheduled,agents_logged_in&lang=en');
    const b = await get('/required-agents?series=scheduled&series=agents_logged_in&lang=en');
    expect(a.status).toBe(200);
    expect(a.body).toEqual(b.body);
    expect(JSON.stringify(a.body)).toContain('Logged in (observed)');
    expect(JSON.stringify(a.body)).not.toContain('Erlang C');
  });

  it('refuses bad parameters naming them', async () => {
    expect(await get('/kpi-trend?metric=nonsense')).toMatchObject({ status: 400, body: { parameter: 'metric' } });
    expect(await get('/kpi-trend?target=high')).toMatchObject({ status: 400, body: { parameter: 'target' } });
    expect(await get('/breakpoints?by=agent')).toMatchObject({ status: 400, body: { parameter: 'by' } });
    expect(await get('/flow-matrix?limit=0')).toMatchObject({ status: 400, body: { parameter: 'limit' } });
    expect(await get('/required-agents?series=bogus')).toMatchObject({ status: 400, body: { parameter: 'series' } });
    expect(await get('/forecast-actual?from=2026-13-01')).toMatchObject({ status: 400, body: { parameter: 'from' } });
    expect(await get('/channel-mix?colour=red')).toMatchObject({ status: 400, body: { parameter: 'colour', error: 'unknown parameter colour' } });
    expect(await get('/channel-mix?lang=fr')).toMatchObject({ status: 400, body: { parameter: 'lang' } });
  });

  it('answers 404 for an unknown chart', async () => {
    expect(await get('/pie')).toEqual({ status: 404, body: { error: 'not found' } });
  });
});
