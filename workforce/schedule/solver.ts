import type { Highs, ModelData } from 'highs';

/** A linear model built row by row; solved by HiGHS (WebAssembly). */
export class LinearModel {
  readonly cost: number[] = [];
  readonly lower: number[] = [];
  readonly upper: number[] = [];
  readonly integer: boolean[] = [];
  readonly rowLower: number[] = [];
  readonly rowUpper: number[] = [];
  readonly rowStarts: number[] = [0];
  readonly rowIndex: number[] = [];
  readonly rowValue: number[] = [];

  get numCols(): number {
    return this.cost.length;
  }

  get numRows(): number {
    return this.rowLower.length;
  }

  /** Adds a variable and returns its column. */
  addVar(cost: number, lower: number, upper: number, integer: boolean): number {
    this.cost.push(cost);
    this.lower.push(lower);
    this.upper.push(upper);
    this.integer.push(integer);
    return this.cost.length - 1;
  }

  /** A copy sharing the rows, with some variables' integrality or bounds changed. */
  variant(change: (col: number) => { integer?: boolean; lower?: number; upper?: number } | undefined): LinearModel {
    const copy = Object.create(LinearModel.prototype) as LinearModel;
    Object.assign(copy, this, { cost: this.cost, lower: [...this.lower], upper: [...this.upper], integer: [...this.integer] });
    for (let j = 0; j < this.numCols; j++) {
      const c = change(j);
      if (!c) continue;
      if (c.integer !== undefined) copy.integer[j] = c.integer;
      if (c.lower !== undefined) copy.lower[j] = c.lower;
      if (c.upper !== undefined) copy.upper[j] = c.upper;
    }
    return copy;
  }

  /** Adds `lower ≤ Σ values·x[indices] ≤ upper`; repeated columns are summed. */
  addRow(lower: number, upper: number, indices: readonly number[], values: readonly number[]): void {
    const merged = new Map<number, number>();
    indices.forEach((c, k) => merged.set(c, (merged.get(c) ?? 0) + values[k]!));
    for (const [c, v] of [...merged].sort((a, b) => a[0] - b[0])) {
      if (v === 0) continue;
      this.rowIndex.push(c);
      this.rowValue.push(v);
    }
    this.rowStarts.push(this.rowIndex.length);
    this.rowLower.push(lower);
    this.rowUpper.push(upper);
  }
}

export interface SolveOptions {
  timeLimitSeconds: number;
  mipRelGap: number;
  /**
   * Stop once the best solution is within this much of the bound. When every objective value is a
   * multiple of some step, a limit just under that step proves optimality without closing the gap.
   */
  mipAbsGap?: number;
  /** Solve an LP by the interior-point method without crossover (faster on large models; no basis). */
  interiorPoint?: boolean;
  /** A feasible solution to start a MIP from. */
  start?: Float64Array;
}

export interface SolveResult {
  /** HiGHS model status in words, e.g. "optimal", "time limit". */
  status: string;
  /** Whether `values` holds a feasible solution. */
  feasible: boolean;
  objective: number;
  /** Best proven lower bound on the objective (the MIP dual bound; the LP objective for an LP). */
  bound: number;
  /** (objective − bound) ÷ |objective|; 0 when proven optimal. */
  gap: number;
  values: Float64Array;
  seconds: number;
  /** Whether integrality was kept: false when every variable is continuous. */
  mip: boolean;
}

const STATUS_WORDS: Record<number, string> = {
  0: 'not set',
  6: 'empty',
  7: 'optimal',
  8: 'infeasible',
  9: 'unbounded or infeasible',
  10: 'unbounded',
  13: 'time limit',
  14: 'iteration limit',
  15: 'unknown',
  16: 'solution limit',
  17: 'interrupted',
};

/** Loads a fresh HiGHS instance: the WebAssembly heap of one large solve is not reused by the next. */
async function freshHighs(): Promise<Highs> {
  // The package's types describe its CommonJS entry; the ES module's default export is the loader.
  const mod = (await import('highs')) as unknown as { default: () => Promise<Highs> };
  return mod.default();
}

function modelData(highs: Highs, m: LinearModel, integral: boolean): ModelData {
  const inf = (x: number) => (x === Number.POSITIVE_INFINITY ? highs.infinity : x === Number.NEGATIVE_INFINITY ? -highs.infinity : x);
  const data: ModelData = {
    numCols: m.numCols,
    numRows: m.numRows,
    colCost: Float64Array.from(m.cost),
    colLower: Float64Array.from(m.lower, inf),
    colUpper: Float64Array.from(m.upper, inf),
    rowLower: Float64Array.from(m.rowLower, inf),
    rowUpper: Float64Array.from(m.rowUpper, inf),
    matrix: {
      format: 'csr',
      numRows: m.numRows,
      numCols: m.numCols,
      starts: Int32Array.from(m.rowStarts),
      indices: Int32Array.from(m.rowIndex),
      values: Float64Array.from(m.rowValue),
    },
  };
  return integral ? { ...data, integrality: Int32Array.from(m.integer, (b) => (b ? 1 : 0)) } : data;
}

function runOnce(highs: Highs, m: LinearModel, integral: boolean, options: SolveOptions): SolveResult {
  const started = performance.now();
  const model = highs.createModel(modelData(highs, m, integral));
  try {
    model.options.set({
      output_flag: false,
      time_limit: options.timeLimitSeconds,
      mip_rel_gap: options.mipRelGap,
      ...(options.mipAbsGap ? { mip_abs_gap: options.mipAbsGap } : {}),
    });
    if (!integral && options.interiorPoint) model.options.set({ solver: 'ipm', run_crossover: 'off' });
    if (integral && options.start) model.setSolution({ colValue: options.start });
    const run = model.run();
    const status = STATUS_WORDS[run.modelStatus] ?? `status ${run.modelStatus}`;
    const feasible = Number(model.info.get('primal_solution_status')) === 2;
    const values = feasible ? model.getSolution().colValue : new Float64Array(m.numCols);
    const objective = feasible ? model.getObjectiveValue() : Number.NaN;
    let bound = objective;
    if (integral) {
      const b = Number(model.info.get('mip_dual_bound'));
      bound = Number.isFinite(b) ? b : Number.NEGATIVE_INFINITY;
    }
    const gap = feasible && Number.isFinite(bound) ? Math.max(0, objective - bound) / Math.max(Math.abs(objective), 1e-9) : Number.POSITIVE_INFINITY;
    return { status, feasible, objective, bound, gap, values, seconds: (performance.now() - started) / 1000, mip: integral };
  } finally {
    model.dispose();
  }
}

/** Solves the model (as a MIP when any variable is integer) on a fresh HiGHS instance. */
export async function solveModel(m: LinearModel, options: SolveOptions): Promise<SolveResult> {
  return runOnce(await freshHighs(), m, m.integer.some(Boolean), options);
}
