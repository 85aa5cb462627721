/**
 * Refresh scenarios: demo logs split into a first inbox (every feed, ACD contacts before the cut day) and a
 * later ACD file (the contacts from the cut day on), `ccmart refresh` run as a real child process, and a
 * server on 127.0.0.1 whose answers name the build they came from (x-ccmart-build).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDemoData, fileNames } from '../../seeds/generator/generate.ts';
import { linesByDay, writeDays } from '../../seeds/generator/split.ts';

const bin = fileURLToPath(new URL('../../bin/ccmart.js', import.meta.url));

export interface RefreshFixture {
  inbox: string;
  /** The ACD contacts of the last days, not yet in the inbox. */
  laterAcd: string;
}

export function refreshFixture(dir: string, opts: { days?: number; contacts?: number; cut?: string } = {}): RefreshFixture {
  const logs = join(dir, 'logs');
  generateDemoData({ outDir: logs, days: opts.days ?? 16, contacts: opts.contacts ?? 6000, seed: 5, start: '2026-11-02' });
  const inbox = join(dir, 'inbox');
  for (const feed of ['acd', 'agent-states', 'tickets', 'bot'] as const) mkdirSync(join(inbox, feed), { recursive: true });
  copyFileSync(join(logs, fileNames['agent-states']), join(inbox, 'agent-states', fileNames['agent-states']));
  copyFileSync(join(logs, fileNames.tickets), join(inbox, 'tickets', fileNames.tickets));
  copyFileSync(join(logs, fileNames.bot), join(inbox, 'bot', fileNames.bot));
  const cut = opts.cut ?? '2026-11-16';
  const split = linesByDay(join(logs, fileNames.acd));
  const days = [...split.days.keys()];
  writeDays(join(inbox, 'acd', 'contacts_early.csv'), split, days.filter((d) => d < cut));
  const laterAcd = join(dir, 'contacts_late.csv');
  writeDays(laterAcd, split, days.filter((d) => d >= cut));
  return { inbox, laterAcd };
}

export interface RefreshRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

export interface StartedRefresh {
  /** Resolves when the refresh says it is holding at its point. */
  held: Promise<void>;
  kill(): void;
  done: Promise<RefreshRun>;
}

/** Starts `ccmart refresh` as a child process; with `holdAt`, it stops at that point (CCMART_REFRESH_HOLD). */
export function startRefresh(dbPath: string, inbox: string, holdAt?: string): StartedRefresh {
  const child = spawn(process.execPath, [bin, 'refresh', '--db', dbPath, '--inbox', inbox], {
    env: { ...process.env, CCMART_REFRESH_HOLD: holdAt ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let onHold = () => {};
  const held = new Promise<void>((resolve) => (onHold = resolve));
  const onData = (d: Buffer) => {
    output += d.toString();
    if (holdAt && output.includes(`holding at ${holdAt}`)) onHold();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const done = new Promise<RefreshRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
  return { held, kill: () => child.kill('SIGKILL'), done };
}

/** Runs `ccmart refresh`; with `killAt`, kills it with SIGKILL as soon as it holds at that point. */
export function runRefresh(dbPath: string, inbox: string, killAt?: string): Promise<RefreshRun> {
  const r = startRefresh(dbPath, inbox, killAt);
  if (killAt) void r.held.then(r.kill);
  return r.done;
}

export interface Answer {
  status: number;
  build: string | null;
  body: string;
}

export async function getAnswer(url: string): Promise<Answer> {
  const res = await fetch(url);
  return { status: res.status, build: res.headers.get('x-ccmart-build'), body: await res.text() };
}

/** Asks until the server answers from a build other than `previous` (it looks for new files every few ms). */
export async function waitForNewBuild(url: string, previous: string | null, timeoutMs = 10_000): Promise<Answer> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const a = await getAnswer(url);
    if (a.build !== previous) return a;
    if (Date.now() > until) throw new Error(`still serving ${previous} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
