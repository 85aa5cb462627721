/** Registry of named input formats (`ccmart ingest --format NAME`); docs/formats.md describes each. */
import type { Adapter } from './types.ts';
import { technion } from './technion.ts';
import { asteriskQueueLog } from './asterisk-queue-log.ts';
import { amazonConnectCtr } from './amazon-connect-ctr.ts';
import { servicenow } from './servicenow.ts';
import { socrata311 } from './socrata-311.ts';
import { rasaTracker } from './rasa-tracker.ts';
import { getgoing } from './getgoing.ts';

export const adapters: readonly Adapter[] = [technion, asteriskQueueLog, amazonConnectCtr, servicenow, socrata311, rasaTracker, getgoing];

export function adapterFor(name: string): Adapter | undefined {
  return adapters.find((a) => a.name === name);
}
