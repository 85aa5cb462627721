// The filter bar of the data pages (pages/_filters.html): period and queues read from the URL, wired to their
// inputs and written back to the URL, the reset button, and the "data through" line beside the page title.
import { ctx, debounce, listParam, periodFromURL, periodInputs, queuePicker, setURL, t } from './common.js';

/** Milliseconds the filters must rest before the page reloads its figures. */
const RELOAD_DELAY = 150;

/**
 * The period and queue filters of a page, wired to #from, #to and #queues. `reload()` runs once the filters
 * stop changing; the page's own filters call `filters.changed()` for the same. The period defaults to the last
 * `defaultDays` days with data, reaching `aheadDays` past them (and the date inputs open to the future with
 * `future`).
 */
export function periodAndQueueFilters(reload, { defaultDays = 28, aheadDays = 0, future = false } = {}) {
  const filters = {
    period: periodFromURL(defaultDays, aheadDays),
    queues: listParam('queue'),
    changed: debounce(reload, RELOAD_DELAY),
    /** from, to and queue as the API takes them. */
    get params() {
      return { from: filters.period.from, to: filters.period.to, queue: filters.queues };
    },
    /** Writes the filters, then the page's own `extra` parameters, into the address bar. */
    keepInURL(extra = {}) {
      setURL({ ...filters.params, ...extra });
    },
  };
  showDataThrough();
  const byId = (id) => document.getElementById(id);
  periodInputs(byId('from'), byId('to'), filters.period, (period) => {
    filters.period = period;
    filters.changed();
  }, { future });
  queuePicker(byId('queues'), filters.queues, (queues) => {
    filters.queues = queues;
    filters.changed();
  });
  byId('reset').addEventListener('click', resetFilters);
  return filters;
}

/** The last day with data, beside the page title. */
function showDataThrough() {
  const range = ctx.meta.date_range;
  document.getElementById('page-meta').textContent = range ? t('data_through', { d: range.to }) : t('no_data');
}

/** Reopens the page with no filter but the language. */
function resetFilters() {
  const lang = new URLSearchParams(location.search).get('lang');
  location.href = location.pathname + (lang ? `?lang=${lang}` : '');
}
