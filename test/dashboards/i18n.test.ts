/**
 * Labels: both languages carry every key, the language follows ?lang= then the browser's preference, and
 * every label the pages and page scripts name exists in the dictionary.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import messages from '../../dashboards/static/i18n.json' with { type: 'json' };
import { pickLang, t } from '../../dashboards/i18n.ts';

const dashboards = fileURLToPath(new URL('../../dashboards/', import.meta.url));

describe('pickLang', () => {
  it('takes ?lang= when it names a language', () => {
    expect(pickLang('en', 'zh-CN,zh;q=0.9')).toBe('en');
    expect(pickLang('zh', 'en-US')).toBe('zh');
  });
  it('otherwise follows the browser: Chinese when ranked above English', () => {
    expect(pickLang(null, 'zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(pickLang(undefined, 'en-GB,en;q=0.9,zh-TW;q=0.8')).toBe('en');
    expect(pickLang('fr', 'fr-FR, zh-Hans;q=0.7, en;q=0.5')).toBe('zh');
    // Quality beats order.
    expect(pickLang(null, 'en;q=0.3, zh-CN;q=0.9')).toBe('zh');
    expect(pickLang(null, 'zh;q=0, en')).toBe('en');
  });
  it('falls back to English', () => {
    expect(pickLang(null, '')).toBe('en');
    expect(pickLang(null, 'de-DE,fr;q=0.5')).toBe('en');
    expect(pickLang(null, null)).toBe('en');
  });
});

describe('dictionary', () => {
  it('has the same keys in both languages, none empty', () => {
    expect(Object.keys(messages.zh).sort()).toEqual(Object.keys(messages.en).sort());
    for (const lang of ['zh', 'en'] as const) for (const [k, v] of Object.entries(messages[lang])) expect(v.trim(), `${lang}.${k}`).not.toBe('');
  });
  it('fills placeholders', () => {
    expect(t('zh', 'service_level_t', { t: 20 })).toBe('服务水平 (20 秒)');
    expect(t('en', 'queues_selected', { n: 3 })).toBe('3 queues selected');
    expect(t('en', 'target_value')).toBe('Target {v}');
  });
  it('holds every label the pages and their scripts name', () => {
    const keys = new Set(Object.keys(messages.en));
    const used = new Set<string>();
    for (const f of readdirSync(`${dashboards}pages`)) {
      for (const m of readFileSync(`${dashboards}pages/${f}`, 'utf8').matchAll(/data-i18n(?:-placeholder)?="([^"]+)"/g)) used.add(m[1]!);
    }
    for (const f of readdirSync(`${dashboards}static`).filter((x) => x.endsWith('.js'))) {
      for (const m of readFileSync(`${dashboards}static/${f}`, 'utf8').matchAll(/\bt\('([a-z0-9_]+)'[,)]/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(60);
    expect([...used].filter((k) => !keys.has(k))).toEqual([]);
  });
});
