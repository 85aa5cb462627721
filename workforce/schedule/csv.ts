/** Minimal RFC 4180 CSV reading and writing (UTF-8, optional BOM, CRLF or LF, quoted fields). */

export interface CsvRecord {
  /** 1-based line of the file where the record starts (the header is line 1). */
  line: number;
  fields: string[];
}

/** Splits CSV text into records; an unterminated quote is reported through `onError`. */
export function parseCsv(text: string, onError: (line: number, message: string) => never): CsvRecord[] {
  const src = text.replace(/^\uFEFF/, '');
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let quoted = false;
  let quoteLine = 0;
  const endRecord = () => {
    fields.push(field);
    // A record that is one empty field is a blank line: skipped.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  while (i < src.length) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      quoteLine = line;
      i++;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) onError(quoteLine, 'a quoted field is never closed');
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Formats a header and rows as CSV text with LF line ends. */
export function formatCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const out = [header.map(quote).join(',')];
  for (const row of rows) out.push(row.map((v) => quote(String(v))).join(','));
  return `${out.join('\n')}\n`;
}

/** Maps header names to column positions; a missing required column is reported through `onError`. */
export function headerIndex(
  header: CsvRecord | undefined,
  required: readonly string[],
  optional: readonly string[],
  onError: (line: number, message: string) => never,
): Map<string, number> {
  if (!header) onError(1, `the file is empty; expected a header ${required.join(',')}`);
  const index = new Map<string, number>();
  header.fields.forEach((name, i) => {
    const key = name.trim().toLowerCase();
    if ([...required, ...optional].includes(key) && !index.has(key)) index.set(key, i);
  });
  const missing = required.filter((r) => !index.has(r));
  if (missing.length > 0) onError(1, `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} in the header (expected ${[...required, ...optional].join(',')})`);
  return index;
}
