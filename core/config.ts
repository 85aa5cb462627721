import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from './errors.ts';

/**
 * The one configuration of thresholds, windows and defaults. Every mart, KPI and command reads it from here
 * (the build also writes it into the database as table `ccmart_config`, so SQL models read the same values).
 */
export const configSchema = z.object({
  /** IANA zone of the contact center: raw times without an offset are wall-clock times in this zone. */
  timezone: z.string().default('Asia/Shanghai'),
  /** Service-level threshold T in seconds ("SL 20 s"). */
  slThresholdSeconds: z.number().nonnegative().default(20),
  /** Abandons with a wait shorter than this are short abandons. */
  shortAbandonSeconds: z.number().nonnegative().default(5),
  /** Journey window W: a touchpoint within W days of the previous one continues the journey. */
  journeyWindowDays: z.number().positive().default(7),
  /** Self-service and verified bot containment look this many hours ahead for a repeat contact. */
  selfServiceWindowHours: z.number().positive().default(24),
  /** Interval width of kpi_interval in minutes (15, 30 or 60). */
  intervalMinutes: z.union([z.literal(15), z.literal(30), z.literal(60)]).default(30),
  /** IVR calls that hang up without queueing count as self-service when they stayed at least this long and their IVR path ends in a self-service node. */
  ivrSelfServiceMinSeconds: z.number().nonnegative().default(60),
  /** Slashed dates with the year last (01/02/2024) are month-first unless this is true. */
  dayFirst: z.boolean().default(false),
});

export type Config = z.infer<typeof configSchema>;

export const defaultConfig: Config = configSchema.parse({});

/** Reads a JSON config file (or CCMART_CONFIG) over the defaults; unknown keys are an error. */
export function loadConfig(path = process.env.CCMART_CONFIG, overrides: Partial<Config> = {}): Config {
  let fromFile: unknown = {};
  if (path) {
    if (!existsSync(path)) throw new UserError(`config file ${path} does not exist`);
    try {
      fromFile = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new UserError(`config file ${path}: not valid JSON (${(err as Error).message})`);
    }
  }
  const parsed = configSchema.strict().safeParse({ ...(fromFile as object), ...stripUndefined(overrides) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`config ${path ?? ''}: field "${issue.path.join('.')}": ${issue.message}`);
  }
  return parsed.data;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
