/**
 * `getgoing`: the CMU GetGoing voice bot's per-call folders: `<uuid>/log.json` (turn history, `TTS …` bot
 * prompts and `USER …` caller speech, start and end time) and `<uuid>/metadata.json` (hashed caller number,
 * UTC time). The path is the `logs` folder or one call folder. One bot session per call with a log.json.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Adapter, AdapterContext, AdapterOutput } from './types.ts';
import { isObject } from './json.ts';
import { checkOptions, patternOption } from './options.ts';
import { instantMs } from './times.ts';

export const getgoing: Adapter = {
  name: 'getgoing',
  summary: 'CMU GetGoing voice-bot call folders (log.json + metadata.json per call) → bot turns',
  sources: ['bot'],
  read: readCalls,
};

/** Bot prompts that say the caller was not understood. */
export const defaultFallbackPattern = "having difficulty understanding|can't understand|can't recognize";

async function* readCalls(path: string, ctx: AdapterContext): AsyncGenerator<AdapterOutput> {
  checkOptions('getgoing', ctx.options, ['fallback-pattern']);
  const fallback = patternOption(ctx.options, 'fallback-pattern', defaultFallbackPattern);
  const single = existsSync(join(path, 'log.json')) || existsSync(join(path, 'metadata.json'));
  const folders = single ? [path] : (await readdir(path, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => join(path, d.name)).sort();
  let record = 0;
  for (const folder of folders) {
    record++;
    yield* readCall(folder, record, fallback);
  }
}

/** One call folder → its turns, or one reject saying why it has none. `record` numbers the folders from 1. */
async function* readCall(folder: string, record: number, fallback: RegExp): AsyncGenerator<AdapterOutput> {
  const name = basename(folder);
  const reject = (field: string | null, reason: string, raw: string): AdapterOutput => ({ kind: 'reject', source: 'bot', line: record, raw: `${name}: ${raw}`, field, reason });
  const read = async (file: string): Promise<{ ok: true; value: Record<string, unknown>; text: string } | { ok: false; reason: string } | null> => {
    const p = join(folder, file);
    if (!existsSync(p)) return null;
    const text = await readFile(p, 'utf8');
    try {
      const value: unknown = JSON.parse(text);
      return isObject(value) ? { ok: true, value, text } : { ok: false, reason: `${file} is not a JSON object` };
    } catch (err) {
      return { ok: false, reason: `${file} is not valid JSON: ${(err as Error).message}` };
    }
  };
  const meta = await read('metadata.json');
  const log = await read('log.json');
  if (log === null) {
    yield reject(null, `call folder ${name} has ${meta ? 'metadata.json' : 'no files'} but no log.json: no turns were recorded`, meta?.ok ? meta.text.trim() : '');
    return;
  }
  if (!log.ok) {
    yield reject(null, log.reason, '');
    return;
  }
  if (meta && !meta.ok) {
    yield reject(null, meta.reason, '');
    return;
  }
  const l = log.value;
  const m = meta?.value ?? {};
  const history = l.history;
  const startText = str(l.start_time);
  const endText = str(l.end_time);
  if (!Array.isArray(history)) {
    yield reject('text', 'log.json has no history list', log.text);
    return;
  }
  const localStart = startText ? wallMs(startText) : NaN;
  const localEnd = endText ? wallMs(endText) : NaN;
  if (!Number.isFinite(localStart)) {
    yield reject('event_at', `start_time "${startText ?? ''}" is not a YYYY-MM-DD HH:MM:SS time`, log.text);
    return;
  }
  if (!Number.isFinite(localEnd)) {
    yield reject('event_at', `end_time "${endText ?? ''}" is not a YYYY-MM-DD HH:MM:SS time`, log.text);
    return;
  }

  // metadata.json holds the start as a UTC instant; log.json the same moment on the bot's wall clock.
  const instant = instantMs(str(m.time) ?? '');
  const start = Number.isFinite(instant) ? new Date(instant).toISOString() : startText!;
  const end = Number.isFinite(instant) ? new Date(instant + (localEnd - localStart)).toISOString() : endText!;

  const session = str(l.uuid) ?? name;
  const base = { session_id: session, customer_id: str(m.number), channel: 'voice', intent: null, confidence: null, escalation_to: null, contact_id: null };
  const turns: { fields: Record<string, string | null>; raw: string }[] = [];
  const add = (speaker: string, text: string | null, at: string, raw: string) => {
    const fields = { ...base, turn_seq: String(turns.length), event_at: at, speaker, text, fallback: 'false' };
    turns.push({ fields, raw });
    return fields;
  };
  const out: AdapterOutput[] = [];
  add('system', 'call started', start, `start_time ${startText}`);
  let pendingUser: Record<string, string | null> | null = null;
  for (const entry of history) {
    const said = typeof entry === 'string' ? entry : JSON.stringify(entry);
    const m2 = /^(TTS|USER)(?:\s+([\s\S]*))?$/.exec(said);
    if (!m2) {
      out.push(reject('speaker', 'history entry is neither a TTS prompt nor USER speech', said));
      continue;
    }
    if (m2[1] === 'USER') {
      pendingUser = add('user', nonEmpty(m2[2]), start, said);
      continue;
    }
    const prompt = plainPrompt(m2[2] ?? '');
    const fields = add('bot', prompt, start, said);
    if (prompt && fallback.test(prompt)) {
      if (pendingUser) pendingUser.fallback = 'true';
      else fields.fallback = 'true';
    }
    pendingUser = null;
  }
  add('system', 'call ended', end, `end_time ${endText}`);
  for (const t of turns) yield { kind: 'row', source: 'bot', line: record, raw: `${name}: ${t.raw}`, fields: t.fields };
  yield* out;
}

/** A TTS prompt as plain text: SSML tags and the `!b` prompt flag removed, spaces collapsed. */
export function plainPrompt(ssml: string): string | null {
  const t = ssml.replace(/<[^>]*>/g, ' ').replace(/^\s*!b\b/, ' ').replace(/\s+/g, ' ').trim();
  return t === '' ? null : t;
}

/** Milliseconds of a `YYYY-MM-DD HH:MM:SS` wall-clock time read as if it were UTC (for differences only). */
function wallMs(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : NaN;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

function nonEmpty(v: string | undefined): string | null {
  return v === undefined || v.trim() === '' ? null : v.trim();
}
