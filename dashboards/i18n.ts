/**
 * The dashboards' labels in Chinese and English. The dictionary itself is `static/i18n.json`, shared with the
 * page scripts (served at /assets/i18n.json), so the charts and the pages speak from one source.
 */
import messages from './static/i18n.json' with { type: 'json' };

export type Lang = 'zh' | 'en';
export const languages: readonly Lang[] = ['zh', 'en'];
export type MessageKey = keyof typeof messages.en;

// Both languages must carry every key: this assignment fails to compile when one is missing.
const dictionary: Record<Lang, Record<MessageKey, string>> = { zh: messages.zh, en: messages.en };

/** The label `key` in `lang`, with `{name}` placeholders filled from `vars`. */
export function t(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return dictionary[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function isLang(value: unknown): value is Lang {
  return value === 'zh' || value === 'en';
}

/**
 * The language to show: `?lang=` when it names one, else Chinese when the browser ranks a Chinese variant above
 * English in Accept-Language, else English.
 */
export function pickLang(param: string | null | undefined, acceptLanguage?: string | null): Lang {
  if (isLang(param)) return param;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, order) => {
      const [tag = '', ...attrs] = part.trim().split(';');
      const q = attrs.map((a) => a.trim()).find((a) => a.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) : 1, order };
    })
    .filter((r) => r.tag !== '' && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const r of ranked) {
    if (r.tag === 'zh' || r.tag.startsWith('zh-')) return 'zh';
    if (r.tag === 'en' || r.tag.startsWith('en-')) return 'en';
  }
  return 'en';
}
