/**
 * Compiles a Vega-Lite spec with every warning captured, parses the Vega output with Vega's own parser and
 * runs it headless on the given data sets, so tests can look at the marks a chart really draws.
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import * as vega from 'vega';
import { expressionInterpreter } from 'vega-interpreter';

export interface Compiled {
  vg: vega.Spec;
  warnings: string[];
  errors: string[];
}

export function compileStrict(spec: TopLevelSpec, datasets: Record<string, unknown[]> = {}): Compiled {
  const warnings: string[] = [];
  const errors: string[] = [];
  const logger: vega.LoggerInterface = {
    level(_?: number) {
      return logger as never;
    },
    error: (...args: unknown[]) => (errors.push(args.map(String).join(' ')), logger),
    warn: (...args: unknown[]) => (warnings.push(args.map(String).join(' ')), logger),
    info: () => logger,
    debug: () => logger,
  } as vega.LoggerInterface;
  const withData = { ...spec, datasets: { ...datasets } } as TopLevelSpec;
  const { spec: vg } = compile(withData, { logger });
  return { vg, warnings, errors };
}

export interface DrawnItem {
  datum: Record<string, unknown>;
  fill?: string;
  stroke?: string;
  opacity?: number;
  text?: string;
}

export interface DrawnMark {
  name: string;
  marktype: string;
  /** The datum of every item drawn. */
  data: Record<string, unknown>[];
  items: DrawnItem[];
}

export interface Rendered extends Compiled {
  view: vega.View;
  marks: DrawnMark[];
  runtimeWarnings: string[];
}

interface SceneNode {
  marktype?: string;
  role?: string;
  name?: string;
  items?: SceneNode[];
  datum?: Record<string, unknown>;
  fill?: string;
  stroke?: string;
  opacity?: number;
  text?: string;
}

function collect(node: SceneNode, out: DrawnMark[]): void {
  if (node.marktype && node.role === 'mark' && node.marktype !== 'group') {
    const items = (node.items ?? []).map((i) => ({ datum: i.datum ?? {}, fill: i.fill, stroke: i.stroke, opacity: i.opacity, text: i.text }));
    out.push({ name: node.name ?? '', marktype: node.marktype, data: items.map((i) => i.datum), items });
  }
  for (const child of node.items ?? []) collect(child, out);
}

/** Compiles, parses and runs the chart at `width` pixels wide; returns its drawn marks. */
export async function render(spec: TopLevelSpec, datasets: Record<string, unknown[]>, width = 640): Promise<Rendered> {
  const compiled = compileStrict(spec, datasets);
  const runtimeWarnings: string[] = [];
  const logger = vega.logger(vega.Warn);
  const base = { ...logger };
  const view = new vega.View(vega.parse(compiled.vg, undefined, { ast: true }), {
    renderer: 'none',
    // The interpreter the pages use under their CSP (no eval): expressions that only work compiled fail here.
    expr: expressionInterpreter,
    logger: Object.assign(logger, {
      warn: (...args: unknown[]) => (runtimeWarnings.push(args.map(String).join(' ')), logger),
      error: (...args: unknown[]) => (runtimeWarnings.push(args.map(String).join(' ')), base.error(...args)),
    }),
  });
  view.width(width);
  await view.runAsync();
  const marks: DrawnMark[] = [];
  collect((view.scenegraph() as unknown as { root: SceneNode }).root, marks);
  return { ...compiled, view, marks, runtimeWarnings };
}

/** Items of the marks of one type (e.g. 'rect' for bars), every datum. */
export function drawn(r: Rendered, marktype: string): Record<string, unknown>[] {
  return r.marks.filter((m) => m.marktype === marktype).flatMap((m) => m.data);
}

/** Items of the marks of one type, with their fill, stroke and text. */
export function drawnItems(r: Rendered, marktype: string): DrawnItem[] {
  return r.marks.filter((m) => m.marktype === marktype).flatMap((m) => m.items);
}

/** Warnings a headless run in Node gives for every chart (no window to listen to for resizes). */
export const headlessNoise = (w: string) => w.includes('Can not resolve event source: window');
