/**
 * The indicators the overview shows against their targets: API field, seed target (seed_kpi_targets.metric)
 * and unit. The list lives in `static/metrics.json` so the page script reads the same one.
 */
import file from '../static/metrics.json' with { type: 'json' };
import type { MessageKey } from '../i18n.ts';
import type { Unit } from './common.ts';

export interface TileMetric {
  /** Field of /api/kpis rows and totals, and the label key. */
  field: MessageKey;
  /** seed_kpi_targets.metric holding its target. */
  target: string;
  unit: Unit;
}

export const tileMetrics: readonly TileMetric[] = file.tiles.map((m) => ({
  field: m.field as MessageKey,
  target: m.target,
  unit: m.unit as Unit,
}));

export function tileMetric(field: string): TileMetric | undefined {
  return tileMetrics.find((m) => m.field === field);
}
