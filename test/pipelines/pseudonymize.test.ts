/**
 * `ccmart ingest --pseudonymize`: personal fields become `p_` + 20 hex digits of HMAC-SHA-256(key, value), the
 * same in DuckDB's SQL and in JavaScript; one customer keeps one pseudonym across files, feeds and spellings of
 * a phone number, so journeys still chain; and no original value is left anywhere — raw tables, rejected rows
 * (their raw text included), audit, marts, or what the command prints. Expected pseudonyms are computed here
 * with node:crypto's createHmac from hand-normalised values, independently of pipelines/pseudonymize.ts.
 */
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, literal, openDatabase, queryOne, queryRows } from '../../core/db.ts';
import { defaultConfig } from '../../core/config.ts';
import { UserError } from '../../core/errors.ts';
import { buildMarts } from '../../marts/build.ts';
import { contracts } from '../../pipelines/contracts.ts';
import { Pseudonymizer, loadPseudonymKey, scrubRecord } from '../../pipelines/pseudonymize.ts';
import { type Workspace, workspace } from './helpers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/adapters/${name}`, import.meta.url));

const KEY = 'test key: correct horse battery staple';
const OTHER_KEY = 'another key, also long enough';

/** The expected pseudonym of an already normalised value. */
const hmac = (key: string | Buffer, normalised: string) => `p_${createHmac('sha256', key).update(normalised, 'utf8').digest('hex').slice(0, 20)}`;

async function ccmart(env: Record<string, string | undefined>, ...args: string[]): Promise<{ code: number; out: string }> {
  const childEnv = { ...process.env, CCMART_CONFIG: '', CCMART_PSEUDONYM_KEY: undefined, ...env };
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/ccmart.js', 'ingest', ...args], { cwd: root, env: childEnv });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** Every value of every table of the database (all schemas, marts included) as text, one string per table. */
async function everyTable(db: Database): Promise<Map<string, string>> {
  const tables = await queryRows<{ s: string; t: string }>(
    db.conn,
    `SELECT schema_name AS s, table_name AS t FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary`,
  );
  const out = new Map<string, string>();
  for (const { s, t } of tables) {
    const rows = await queryRows(db.conn, `SELECT * FROM "${s}"."${t}"`);
    out.set(`${s}.${t}`, JSON.stringify(rows));
  }
  return out;
}

/** The originals (as written, and their digits when they are phone numbers) found in any table. */
async function leaks(db: Database, originals: readonly string[]): Promise<string[]> {
  const needles = originals.flatMap((o) => {
    const digits = o.replace(/[^0-9]/g, '');
    return digits.length >= 7 ? [o, digits] : [o];
  });
  const found: string[] = [];
  for (const [table, text] of await everyTable(db)) for (const n of needles) if (text.includes(JSON.stringify(n).slice(1, -1))) found.push(`${n} in ${table}`);
  return found;
}

describe('the keyed hash', () => {
  const keys = [Buffer.from('0123456789abcdef'), Buffer.alloc(64, 7), Buffer.from('k'.repeat(100))];
  const values = ['CUST-ALICE-7', "O'Brien", '客户 Zoë', 'x'.repeat(300), '12-34'];

  it('DuckDB’s SQL and JavaScript both give HMAC-SHA-256 as node:crypto computes it, for short, one-block and long keys', async () => {
    const db = await openDatabase(':memory:');
    try {
      for (const key of keys) {
        const p = new Pseudonymizer(key);
        const sql = values.map((v, i) => `${p.sql(literal(v), 'identifier')} AS v${i}`).join(', ');
        const row = (await queryOne<Record<string, string>>(db.conn, `SELECT ${sql}`))!;
        values.forEach((v, i) => {
          expect(row[`v${i}`]).toBe(hmac(key, v));
          expect(p.pseudonym(v)).toBe(hmac(key, v));
        });
        expect(row.v0).toMatch(/^p_[0-9a-f]{20}$/);
      }
    } finally {
      db.close();
    }
  });

  it('one phone number written several ways gives one pseudonym; other values are hashed as written', async () => {
    const p = new Pseudonymizer(Buffer.from(KEY));
    const db = await openDatabase(':memory:');
    try {
      const cases: [string, 'identifier' | 'phone', string][] = [
        ['+1 (555) 010-4477', 'identifier', hmac(KEY, '+15550104477')],
        ['+1-555-010-4477', 'identifier', hmac(KEY, '+15550104477')],
        ['+1 555.010.4477', 'identifier', hmac(KEY, '+15550104477')],
        ['15550104477', 'identifier', hmac(KEY, '15550104477')], // no +: another number as far as the hash knows
        ['12-34', 'identifier', hmac(KEY, '12-34')], // under 7 digits: not a phone number, kept as written
        ['sip:+15550104477@pbx', 'phone', hmac(KEY, 'sip:+15550104477@pbx')], // holds a number: hashed as written
        ['+1 (555) 010-4477', 'phone', hmac(KEY, '+15550104477')],
        ['cards', 'phone', 'cards'], // a queue name stays
        ['ext 4477', 'phone', 'ext 4477'],
      ];
      for (const [value, kind, expected] of cases) {
        expect(p.value(value, kind), `${value} (${kind})`).toBe(expected);
        expect((await queryOne<{ v: string }>(db.conn, `SELECT ${p.sql(literal(value), kind)} AS v`))!.v, `SQL ${value} (${kind})`).toBe(expected);
      }
      expect((await queryOne<{ v: string | null }>(db.conn, `SELECT ${p.sql('NULL::VARCHAR', 'phone')} AS v`))!.v).toBeNull();
    } finally {
      db.close();
    }
  });

  it('a rejected CSV record keeps every field as written but its personal ones, quoted or not, and those of unknown columns', () => {
    const p = new Pseudonymizer(Buffer.from(KEY));
    const f = (name: string) => contracts.acd.fields.find((x) => x.name === name);
    const fieldAt = [f('contact_id'), f('customer_id'), undefined, f('queue'), f('transfer_to'), f('customer_id')];
    // customer quoted with a comma, a newline and a doubled quote; an unknown column; a queue name in transfer_to;
    // a null token in a personal column; a line ending in CR LF.
    const record = 'c1,"Zoë, ""VIP""\nline 2",+44 20 7946 0001,"sales, east",cards,NULL\r';
    expect(scrubRecord(record, ',', '"', fieldAt, p)).toBe(`c1,${hmac(KEY, 'Zoë, "VIP"\nline 2')},…,"sales, east",cards,NULL`);
    expect(scrubRecord(' +1 (555) 010-4477 ;x', ';', '"', [f('customer_id'), f('queue')], p)).toBe(`${hmac(KEY, '+15550104477')};x`);
  });

  it('personal fields are identifiers, whose rejection reasons never quote the value', () => {
    const personal = Object.values(contracts).flatMap((c) => c.fields.filter((f) => f.personal).map((f) => `${c.source}.${f.name}:${f.type}`));
    expect(personal).toEqual(['acd.customer_id:id', 'acd.transfer_to:id', 'tickets.customer_id:id', 'bot.session_id:id', 'bot.customer_id:id', 'bot.escalation_to:id']);
  });
});

describe('ccmart ingest --pseudonymize', () => {
  let ws: Workspace;
  let dbPath: string;
  let outputs: string;
  const PHONE_A = '+44 20 7946 0958'; // customer A on the phone...
  const PHONE_A_TICKET = '+44-20-7946-0958'; // ...and in a ticket, written another way
  const ALICE = 'CUST-ALICE-7';
  const BOB = 'CUST-BOB-3';
  const CALLER = '+44 20 7946 0001'; // in a column the contract does not know
  const TRANSFER = '+1 212 555 0199';
  const BROKEN = '+44 20 7946 0777'; // in a record cut short
  const SENDER = '+49 30 901820'; // a bot session keyed by the caller's number
  const IN_BAD_JSON = '+33 1 70 36 39 00';
  const EMAIL = 'alice@example.com';
  const originals = [PHONE_A, PHONE_A_TICKET, ALICE, BOB, CALLER, TRANSFER, BROKEN, SENDER, IN_BAD_JSON, EMAIL, '+33 1 70 36 39 01'];
  const pA = hmac(KEY, '+442079460958');
  const pAlice = hmac(KEY, ALICE);
  const pTransfer = hmac(KEY, '+12125550199');
  const acdLines = [
    'contact_id,customer_id,caller_phone,queue,agent,arrival_at,answer_at,end_at,transfer_to',
    `c1,"${PHONE_A}",${CALLER},sales,a1,2024-03-04 09:00:00,2024-03-04 09:00:10,2024-03-04 09:05:00,`,
    `c2,${ALICE},,sales,a1,2024-03-04 09:10:00,2024-03-04 09:10:10,2024-03-04 09:15:00,${TRANSFER}`,
    `c3,${BOB},${CALLER},cards,a2,2024-03-04 09:20:00,2024-03-04 09:19:00,2024-03-04 09:25:00,cards`, // answered before it arrived
    `c2,${ALICE},,sales,a2,2024-03-04 09:10:00,2024-03-04 09:10:10,2024-03-04 09:15:00,${TRANSFER}`, // same key, other agent
    `c4,${BROKEN},sales`, // too few fields
    'c5,,,cards,a3,2024-03-04 09:30:00,2024-03-04 09:30:10,2024-03-04 09:35:00,cards',
  ];
  const ticketLines = [
    'ticket_id,event_at,event_type,status,channel,customer_id,subject',
    `T1,2024-03-04 10:00:00,created,new,email,${PHONE_A_TICKET},card blocked`,
    `T1,2024-03-04 12:00:00,status_change,resolved,email,${PHONE_A_TICKET},`,
    `T2,2024-03-04 11:00:00,created,new,email,${ALICE},statement`,
  ];
  const badTurn = { session_id: 's9', customer_id: '+33 1 70 36 39 01', channel: 'chat', turn_seq: 'x', event_at: '2024-03-04 08:40:00', speaker: 'user', email: EMAIL };
  const botLines = [
    JSON.stringify({ session_id: SENDER, customer_id: ALICE, channel: 'chat', turn_seq: 1, event_at: '2024-03-04 08:50:00', speaker: 'user', text: 'hi' }),
    JSON.stringify({ session_id: SENDER, customer_id: ALICE, channel: 'chat', turn_seq: 2, event_at: '2024-03-04 08:50:05', speaker: 'bot', text: 'hello' }),
    `{"session_id": "s8", "customer_id": "${IN_BAD_JSON}"`, // cut short: not JSON
    JSON.stringify(badTurn),
  ];
  let db: Database;

  beforeAll(async () => {
    ws = await workspace('ccmart-pseudonym-');
    dbPath = `${ws.dir}/cli.duckdb`;
    const env = { CCMART_PSEUDONYM_KEY: KEY };
    const acd = await ccmart(env, '--db', dbPath, '--source', 'acd', '--pseudonymize', ws.file('calls.csv', `${acdLines.join('\r\n')}\r\n`));
    const tickets = await ccmart(env, '--db', dbPath, '--source', 'tickets', '--pseudonymize', ws.file('tickets.csv', `${ticketLines.join('\n')}\n`));
    const bot = await ccmart(env, '--db', dbPath, '--source', 'bot', '--pseudonymize', ws.file('turns.jsonl', `${botLines.join('\n')}\n`));
    outputs = acd.out + tickets.out + bot.out;
    expect([acd.code, tickets.code, bot.code], outputs).toEqual([0, 0, 0]);
    db = await openDatabase(dbPath);
    await buildMarts(db.conn, defaultConfig);
  }, 60_000);
  afterAll(() => {
    db?.close();
    ws.close();
  });

  it('stores the same pseudonym for one customer in every feed, however the number is written', async () => {
    expect(await queryRows(db.conn, 'SELECT contact_id, customer_id, transfer_to FROM raw_acd_contacts ORDER BY contact_id')).toEqual([
      { contact_id: 'c1', customer_id: pA, transfer_to: null },
      { contact_id: 'c2', customer_id: pAlice, transfer_to: pTransfer },
      { contact_id: 'c5', customer_id: null, transfer_to: 'cards' }, // a queue name is not personal
    ]);
    expect(await queryRows(db.conn, 'SELECT DISTINCT ticket_id, customer_id FROM raw_ticket_events ORDER BY ticket_id')).toEqual([
      { ticket_id: 'T1', customer_id: pA },
      { ticket_id: 'T2', customer_id: pAlice },
    ]);
    expect(await queryRows(db.conn, 'SELECT DISTINCT session_id, customer_id FROM raw_bot_turns')).toEqual([{ session_id: hmac(KEY, '+4930901820'), customer_id: pAlice }]);
  });

  it('journeys still chain the pseudonymised customer across the call, the bot and the tickets', async () => {
    const journeys = await queryRows<{ customer_id: string; touchpoints: number; channels: string[] }>(db.conn, 'SELECT customer_id, touchpoints, channels FROM fct_journey ORDER BY customer_id');
    expect(journeys).toEqual(
      [
        { customer_id: pA, touchpoints: 2, channels: ['email', 'voice'] },
        { customer_id: pAlice, touchpoints: 3, channels: ['chat', 'email', 'voice'] },
      ].sort((a, b) => a.customer_id.localeCompare(b.customer_id)),
    );
  });

  it('rejected rows keep their text with personal values replaced, unknown columns elided, unsplittable records withheld', async () => {
    const rejected = await queryRows<{ source: string; line: number; field: string | null; reason: string; raw: string | null }>(
      db.conn,
      'SELECT source, line, field, reason, raw FROM rejected_rows ORDER BY source, line',
    );
    expect(rejected).toEqual([
      { source: 'acd', line: 4, field: 'answer_at', reason: 'answer_at: answer_at is before arrival_at', raw: `c3,${hmac(KEY, BOB)},…,cards,a2,2024-03-04 09:20:00,2024-03-04 09:19:00,2024-03-04 09:25:00,cards` },
      {
        source: 'acd',
        line: 5,
        field: null,
        reason: 'conflicting duplicate: same contact_id, leg_seq as line 3 but different agent',
        raw: `c2,${pAlice},,sales,a2,2024-03-04 09:10:00,2024-03-04 09:10:10,2024-03-04 09:15:00,${pTransfer}`,
      },
      { source: 'acd', line: 6, field: 'queue', reason: 'too few fields: expected 9, found 3', raw: null },
      { source: 'bot', line: 3, field: null, reason: expect.stringMatching(/^invalid JSON/) as unknown as string, raw: null },
      { source: 'bot', line: 4, field: 'turn_seq', reason: 'turn_seq: not an integer: "x"', raw: JSON.stringify({ ...badTurn, session_id: hmac(KEY, 's9'), customer_id: hmac(KEY, '+33170363901'), email: '…' }) },
    ]);
  });

  it('leaves no original anywhere in the database, marts included, nor in what the command printed; the audit names the key by its fingerprint', async () => {
    expect(await leaks(db, [...originals, KEY])).toEqual([]);
    for (const o of [...originals, KEY]) expect(outputs, o).not.toContain(o);
    const fingerprint = new Pseudonymizer(Buffer.from(KEY)).fingerprint;
    expect(await queryRows(db.conn, 'SELECT DISTINCT pseudonymized, key_fingerprint FROM ingest_audit')).toEqual([{ pseudonymized: true, key_fingerprint: fingerprint }]);
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('named formats with --pseudonymize', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace('ccmart-pseudonym-formats-');
  });
  afterAll(() => ws.close());

  it('Amazon Connect and Technion records: ids and numbers replaced in rows and raw text, a reason about the customer id hidden', async () => {
    const p = new Pseudonymizer(Buffer.from(KEY));
    const ctr = readFileSync(fixture('amazon_connect_ctr.jsonl'), 'utf8');
    const technion = readFileSync(fixture('technion_calls.txt'), 'utf8');
    const numbers = [...new Set([...ctr.matchAll(/"(?:Customer|TransferredTo)Endpoint":\{"Address":"([^"]+)"/g)].map((m) => m[1]!))];
    const ids = technion.split('\n').slice(1).map((l) => l.split('\t')[2]).filter((x): x is string => !!x && x !== '0');
    expect(numbers.length).toBeGreaterThan(3);
    expect(ids).toContain('3.27E+11');
    for (const [file, format] of [[fixture('amazon_connect_ctr.jsonl'), 'amazon-connect-ctr'], [fixture('technion_calls.txt'), 'technion']] as const) {
      const results = await ws.ingest(file, { format, source: undefined, pseudonymizer: p });
      expect(results.status).toBe('loaded');
    }
    expect(await leaks(ws.db, [...numbers, ...ids])).toEqual([]);
    // Every customer loaded is the pseudonym of a number or id of the files.
    const customers = await queryRows<{ c: string }>(ws.db.conn, 'SELECT DISTINCT customer_id AS c FROM raw_acd_contacts WHERE customer_id IS NOT NULL');
    const expected = new Set([...numbers, ...ids].map((v) => hmac(KEY, v)));
    expect(customers.length).toBeGreaterThan(5);
    for (const { c } of customers) expect(expected.has(c), c).toBe(true);
    const rounded = await queryOne<{ reason: string; raw: string }>(ws.db.conn, "SELECT reason, raw FROM rejected_rows WHERE field = 'customer_id'");
    expect(rounded).toEqual({
      reason: 'customer_id "…" is not a whole number (rounded by a spreadsheet?): the caller cannot be identified',
      raw: technion.split('\n').find((l) => l.includes('3.27E+11'))!.replace('3.27E+11', hmac(KEY, '3.27E+11')),
    });
  });
});

describe('keys', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace('ccmart-pseudonym-keys-');
  });
  afterAll(() => ws.close());

  const csv = (id: string, customer: string) => `contact_id,customer_id,arrival_at,end_at\n${id},${customer},2024-03-04 09:00:00,2024-03-04 09:05:00\n`;

  it('a database keeps one key: another key, or none, is refused and changes nothing', async () => {
    const first = await ws.ingest(ws.file('a.csv', csv('k1', 'CUST-1')), { pseudonymizer: new Pseudonymizer(Buffer.from(KEY)) });
    expect(first.status).toBe('loaded');
    const count = async () => (await queryOne<{ n: number }>(ws.db.conn, 'SELECT (SELECT count(*) FROM ingest_audit) + (SELECT count(*) FROM raw_acd_contacts) AS n'))!.n;
    const before = await count();
    const other = new Pseudonymizer(Buffer.from(OTHER_KEY));
    await expect(ws.ingest(ws.file('b.csv', csv('k2', 'CUST-2')), { pseudonymizer: other })).rejects.toThrow(
      new RegExp(`another key \\(ingest #${first.ingestId}, .*a\\.csv: key fingerprint ${new Pseudonymizer(Buffer.from(KEY)).fingerprint}; the key given has fingerprint ${other.fingerprint}\\)`),
    );
    await expect(ws.ingest(ws.file('c.csv', csv('k3', 'CUST-3')))).rejects.toThrow(/holds pseudonymised files .* pass --pseudonymize with the same key/);
    await expect(ws.ingest(ws.file('c.csv', csv('k3', 'CUST-3')))).rejects.toBeInstanceOf(UserError);
    expect(await count()).toBe(before);
    // The same key goes on loading.
    expect((await ws.ingest(ws.file('d.csv', csv('k4', 'CUST-4')), { pseudonymizer: new Pseudonymizer(Buffer.from(KEY)) })).status).toBe('loaded');
  });

  it('a database loaded without pseudonyms refuses them', async () => {
    const plain = await workspace('ccmart-pseudonym-plain-');
    try {
      expect((await plain.ingest(plain.file('a.csv', csv('k1', 'CUST-1')))).status).toBe('loaded');
      await expect(plain.ingest(plain.file('b.csv', csv('k2', 'CUST-2')), { pseudonymizer: new Pseudonymizer(Buffer.from(KEY)) })).rejects.toThrow(
        /holds files loaded without --pseudonymize \(ingest #1, .*a\.csv\)/,
      );
    } finally {
      plain.close();
    }
  });

  it('a missing or short key is a clear error before anything is written; a key file gives the same pseudonyms as the variable', async () => {
    const file = ws.file('k.csv', csv('k9', 'CUST-9'));
    const db = `${ws.dir}/keys.duckdb`;
    const missing = await ccmart({}, '--db', db, '--source', 'acd', '--pseudonymize', file);
    expect(missing.code).toBe(2);
    expect(missing.out).toContain('--pseudonymize needs a key: set CCMART_PSEUDONYM_KEY to a secret of at least 16 bytes');
    const short = await ccmart({ CCMART_PSEUDONYM_KEY: 'short' }, '--db', db, '--source', 'acd', '--pseudonymize', file);
    expect(short.code).toBe(2);
    expect(short.out).toContain('CCMART_PSEUDONYM_KEY: the pseudonym key has 5 bytes; at least 16 are needed');
    expect(short.out).not.toContain('short\n');
    expect(existsSync(db)).toBe(false);
    const keyFile = ws.file('key.txt', `${KEY}\n`);
    const viaFile = await ccmart({ CCMART_PSEUDONYM_KEY: 'ignored when a key file is given' }, '--db', db, '--source', 'acd', '--pseudonymize', '--key-file', keyFile, file);
    expect(viaFile.code, viaFile.out).toBe(0);
    expect(loadPseudonymKey(keyFile)).toEqual(Buffer.from(KEY));
    const d = await openDatabase(db, { readOnly: true });
    try {
      expect(await queryRows(d.conn, 'SELECT customer_id FROM raw_acd_contacts')).toEqual([{ customer_id: hmac(KEY, 'CUST-9') }]);
    } finally {
      d.close();
    }
    const lone = await ccmart({}, '--db', db, '--source', 'acd', '--key-file', keyFile, file);
    expect(lone.code).toBe(2);
    expect(lone.out).toContain('--key-file is only used with --pseudonymize');
  });
});
