/**
 * Refreshes started from the API (POST /api/refresh, admin only): `ccmart refresh` on the server's own file and
 * inbox, run as a child process so a crash or a kill of the refresh never touches the server. One at a time;
 * when it succeeds the server switches to the new build at once instead of on a later request.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/ccmart.js', import.meta.url));

export interface RefreshSettings {
  /** Folder of new logs, laid out as `ccmart refresh --inbox` reads it. */
  inbox: string;
  /** Forecast, staff and schedule after the build. */
  plan?: boolean;
}

export interface RefreshStatus {
  state: 'idle' | 'running' | 'ok' | 'failed';
  started_at: string | null;
  finished_at: string | null;
  exit_code: number | null;
  /** The refresh's last line of output (counts and build names, never row contents). */
  message: string | null;
}

const isoNow = () => new Date().toISOString();

export class Refresher {
  private current: RefreshStatus = { state: 'idle', started_at: null, finished_at: null, exit_code: null, message: null };
  private child: ReturnType<typeof spawn> | undefined;

  constructor(
    private readonly dbPath: string,
    private readonly settings: RefreshSettings,
    private readonly onSuccess: () => Promise<unknown>,
  ) {}

  status(): RefreshStatus {
    return { ...this.current };
  }

  /** Starts a refresh; false when one is already running. */
  start(): boolean {
    if (this.current.state === 'running') return false;
    const args = [bin, 'refresh', '--db', this.dbPath, '--inbox', this.settings.inbox, ...(this.settings.plan ? ['--plan'] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CCMART_REFRESH_HOLD: '' } });
    this.child = child;
    this.current = { state: 'running', started_at: isoNow(), finished_at: null, exit_code: null, message: null };
    let last = '';
    const keepLast = (d: Buffer) => {
      const lines = d.toString().split('\n').map((l) => l.trim()).filter(Boolean);
      if (lines.length) last = lines[lines.length - 1]!.slice(0, 500);
    };
    child.stdout!.on('data', keepLast);
    child.stderr!.on('data', keepLast);
    const finish = (code: number | null, message: string) => {
      this.child = undefined;
      this.current = { ...this.current, state: code === 0 ? 'ok' : 'failed', finished_at: isoNow(), exit_code: code, message };
    };
    child.on('error', (err) => finish(null, `could not start the refresh: ${err.message}`));
    child.on('close', (code, signal) => {
      const message = signal ? `stopped by ${signal}` : last;
      // reported done once the server reads the new build, so a client polling the state sees it at once
      if (code === 0) void this.onSuccess().catch(() => {}).finally(() => finish(code, message));
      else finish(code, message);
    });
    return true;
  }

  /** Stops a running refresh (the served file is untouched by design) when the server closes. */
  stop(): void {
    this.child?.kill('SIGKILL');
  }
}
