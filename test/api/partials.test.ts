// Page partials (api/routes/pages.ts): values escaped, inner markup passed through, indentation kept, and a
// missing partial or value refused instead of shipping a half-filled page.
import { describe, expect, it } from 'vitest';
import { fillPartials } from '../../api/routes/pages.ts';

const partials: Record<string, string> = {
  card: '<!-- a card -->\n<section id="{{id}}">\n  <h2>{{title}}</h2>\n  {{children}}\n</section>',
  note: '<p class="note">{{text}}</p>',
};
const read = async (name: string) => partials[name] ?? null;

describe('fillPartials', () => {
  it('fills values (escaped) and inner markup, keeping the indentation of the tag', async () => {
    const page = '<main>\n  {{#card id="sl" title="Service & level <T>"}}<svg></svg>{{/card}}\n  {{> note text="服务水平"}}\n</main>';
    const out = await fillPartials(page, read);
    expect(out).toBe(
      '<main>\n  <section id="sl">\n    <h2>Service &amp; level &lt;T&gt;</h2>\n    <svg></svg>\n  </section>\n  <p class="note">服务水平</p>\n</main>',
    );
  });

  it('drops the line of an empty inner markup in the short form', async () => {
    expect(await fillPartials('{{> card id="a" title="A"}}', read)).toBe('<section id="a">\n  <h2>A</h2>\n</section>');
  });

  it('refuses a missing partial or a value the page does not give', async () => {
    await expect(fillPartials('{{> nothing}}', read)).rejects.toThrow('page partial _nothing.html: not found');
    await expect(fillPartials('{{> card id="a"}}', read)).rejects.toThrow('page partial _card.html: no value for {{title}}');
  });

  it('leaves a page without partials as it is', async () => {
    const page = '<p>{{not a partial}}</p>';
    expect(await fillPartials(page, read)).toBe(page);
  });
});
