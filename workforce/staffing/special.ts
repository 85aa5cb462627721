/**
 * Special functions the Erlang A formulas need: log-gamma, the regularised incomplete gamma functions and
 * differences of the digamma function. Everything works in log space so that queues of tens of thousands
 * of agents neither overflow nor lose precision.
 */

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

// Lanczos approximation (g = 7, n = 9): about 15 significant digits for arguments below the Stirling range.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * Stirling's correction δ(z) = lnΓ(z) − [(z − ½)·ln z − z + ½·ln 2π], for z ≥ 10 from its asymptotic
 * series (the first omitted term is below 1e-16 at z = 10).
 */
function stirlingSeries(z: number): number {
  const w = 1 / (z * z);
  return (
    (1 / z) *
    (1 / 12 +
      w * (-1 / 360 + w * (1 / 1260 + w * (-1 / 1680 + w * (1 / 1188 + w * (-691 / 360360 + w * (1 / 156)))))))
  );
}

/** Natural log of the gamma function, z > 0. */
export function lnGamma(z: number): number {
  if (!(z > 0)) throw new RangeError(`lnGamma: argument must be positive, got ${z}`);
  if (z >= 10) return (z - 0.5) * Math.log(z) - z + LN_SQRT_2PI + stirlingSeries(z);
  if (z < 0.5) return lnGamma(z + 1) - Math.log(z);
  const zm1 = z - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (zm1 + i);
  const t = zm1 + 7.5;
  return LN_SQRT_2PI + (zm1 + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** δ(s) = lnΓ(s + 1) − [(s + ½)·ln s − s + ½·ln 2π]. */
function stirlingCorrection(s: number): number {
  if (s >= 10) return stirlingSeries(s);
  return lnGamma(s + 1) - (s + 0.5) * Math.log(s) + s - LN_SQRT_2PI;
}

/**
 * ln( y^s · e^(−y) / Γ(s + 1) ), the common factor of the incomplete gamma series and continued fraction.
 * Written as s·(log1p(ε) − ε) − ½·ln(2πs) − δ(s) with y = s·(1 + ε) so that large s near y keeps its digits.
 */
export function lnGammaPrefix(s: number, y: number): number {
  if (y === 0) return s === 0 ? 0 : -Infinity;
  if (s < 10) return s * Math.log(y) - y - lnGamma(s + 1);
  const eps = (y - s) / s;
  return s * (Math.log1p(eps) - eps) - 0.5 * Math.log(2 * Math.PI * s) - stirlingCorrection(s);
}

/** Logs of the regularised lower and upper incomplete gamma functions P(s, y) and Q(s, y) = 1 − P(s, y). */
export interface IncompleteGamma {
  lnP: number;
  lnQ: number;
}

const MAX_ITERATIONS = 10_000_000;
const TINY = 1e-300;

/** ln(e^u + e^v). */
function lnAdd(u: number, v: number): number {
  const hi = Math.max(u, v);
  if (hi === -Infinity) return -Infinity;
  return hi + Math.log1p(Math.exp(Math.min(u, v) - hi));
}

function fromLnP(lnP: number): IncompleteGamma {
  return { lnP, lnQ: Math.log1p(-Math.exp(lnP)) };
}

function fromLnQ(lnQ: number): IncompleteGamma {
  return { lnP: Math.log1p(-Math.exp(lnQ)), lnQ };
}

function checkArguments(s: number, y: number): void {
  if (!(s > 0) || !(y >= 0) || !Number.isFinite(s) || !Number.isFinite(y)) {
    throw new RangeError(`regularizedGamma: need s > 0 and finite y ≥ 0, got s=${s}, y=${y}`);
  }
}

/**
 * ln of Σ_k y^k / ((s+1)…(s+k)), the power series of P(s, y) = prefix · series, with the series of s + 1
 * (Σ_k y^k / ((s+2)…(s+1+k))) summed in the same pass.
 */
function powerSeries(s: number, y: number, withNext: boolean): { lnSum: number; lnSumNext: number } {
  let sum = 1;
  let term = 1;
  let sumNext = 1;
  let termNext = 1;
  for (let k = 1; ; k++) {
    term *= y / (s + k);
    sum += term;
    if (withNext) {
      termNext *= y / (s + 1 + k);
      sumNext += termNext;
    }
    if (term < sum * 1e-17) break;
    if (k > MAX_ITERATIONS) throw new Error(`regularizedGamma: series did not converge (s=${s}, y=${y})`);
  }
  return { lnSum: Math.log(sum), lnSumNext: Math.log(sumNext) };
}

/** ln of Lentz's continued fraction for Q(s, y) = s · prefix · CF, for y ≥ s + 1. */
function continuedFraction(s: number, y: number): number {
  let b = y + 1 - s;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; ; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 4e-16) break;
    if (i > MAX_ITERATIONS) throw new Error(`regularizedGamma: continued fraction did not converge (s=${s}, y=${y})`);
  }
  return Math.log(h);
}

/**
 * Regularised incomplete gamma P(s, y) and Q(s, y) = 1 − P(s, y) for s > 0, y ≥ 0, as natural logs. The
 * smaller of the two is computed directly (power series for P when y < s + 1, Lentz's continued fraction for
 * Q otherwise) and the other as its complement, so neither loses relative precision where it is small.
 */
export function regularizedGamma(s: number, y: number): IncompleteGamma {
  checkArguments(s, y);
  if (y === 0) return { lnP: -Infinity, lnQ: 0 };
  const lnPrefix = lnGammaPrefix(s, y);
  if (y < s + 1) return fromLnP(lnPrefix + powerSeries(s, y, false).lnSum);
  return fromLnQ(lnPrefix + Math.log(s) + continuedFraction(s, y));
}

/**
 * P and Q at s and at s + 1 for the same y, for the price of one: the series of s + 1 runs alongside that of s,
 * and Q(s + 1, y) = Q(s, y) + y^s·e^(−y)/Γ(s + 1) adds two positive terms.
 */
export function regularizedGammaPair(s: number, y: number): { at: IncompleteGamma; next: IncompleteGamma } {
  checkArguments(s, y);
  if (y === 0) return { at: { lnP: -Infinity, lnQ: 0 }, next: { lnP: -Infinity, lnQ: 0 } };
  const lnPrefix = lnGammaPrefix(s, y);
  if (y < s + 1) {
    const { lnSum, lnSumNext } = powerSeries(s, y, true);
    // prefix(s + 1, y) = prefix(s, y) · y/(s + 1)
    return { at: fromLnP(lnPrefix + lnSum), next: fromLnP(lnPrefix + Math.log(y / (s + 1)) + lnSumNext) };
  }
  const lnQ = lnPrefix + Math.log(s) + continuedFraction(s, y);
  return { at: fromLnQ(lnQ), next: fromLnQ(lnAdd(lnQ, lnPrefix)) };
}

/** ψ(z) − ln z for z ≥ 16 from the asymptotic series (error below 1e-18). */
function digammaMinusLog(z: number): number {
  const w = 1 / (z * z);
  return (
    -0.5 / z -
    w * (1 / 12 + w * (-1 / 120 + w * (1 / 252 + w * (-1 / 240 + w * (1 / 132 + w * (-691 / 32760 + w / 12))))))
  );
}

/**
 * ψ(z2) − ψ(z1) for 0 < z1 ≤ z2. Small integer gaps are summed directly (Σ 1/(z1 + k)); otherwise both
 * arguments are shifted above 16 and the asymptotic series is differenced with log1p to avoid cancellation.
 */
export function digammaDifference(z1: number, z2: number): number {
  if (!(z1 > 0) || !(z2 >= z1)) throw new RangeError(`digammaDifference: need 0 < z1 ≤ z2, got ${z1}, ${z2}`);
  const gap = z2 - z1;
  if (gap <= 64 && Number.isInteger(gap)) {
    let sum = 0;
    for (let k = 0; k < gap; k++) sum += 1 / (z1 + k);
    return sum;
  }
  let acc = 0;
  let lo = z1;
  let hi = z2;
  while (lo < 16) acc += 1 / lo++;
  while (hi < 16) acc -= 1 / hi++;
  return acc + Math.log1p((hi - lo) / lo) + digammaMinusLog(hi) - digammaMinusLog(lo);
}
