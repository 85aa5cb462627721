/**
 * Minimum-cost assignment (Hungarian method with potentials, O(n²·m)): each of `n` rows gets a distinct
 * column among `m ≥ n`. `cost` is row-major n×m; Infinity forbids a pair. Callers add enough fallback
 * columns (e.g. "leave unassigned") that every row has a finite choice.
 */
export function minCostAssignment(n: number, m: number, cost: Float64Array): number[] {
  if (n > m) throw new Error('minCostAssignment: more rows than columns');
  const INF = Number.POSITIVE_INFINITY;
  // 1-based arrays as in the classic formulation; p[col] = row matched to col.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(INF);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      const base = (i0 - 1) * m;
      let delta = INF;
      let j1 = -1;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const c = cost[base + j - 1]!;
        const cur = c === INF ? INF : c - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      if (j1 < 0 || delta === INF) throw new Error('minCostAssignment: a row has no finite column');
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!] = u[p[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else {
          minv[j] = minv[j]! - delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const result = new Array<number>(n).fill(-1);
  for (let j = 1; j <= m; j++) if (p[j]! > 0) result[p[j]! - 1] = j - 1;
  return result;
}
