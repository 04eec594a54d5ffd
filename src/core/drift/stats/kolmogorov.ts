// The survival function of the one-sample two-sided Kolmogorov statistic D_n (scipy.stats.kstwo.sf),
// which ks_2samp evaluates at n = round(m·n/(m+n)) for large samples. The algorithm choice per
// region follows Simard & L'Ecuyer (2011) as scipy does: Ruben–Gambino at the ends, 2·Smirnov in the
// upper tail, the Durbin matrix (Marsaglia–Tsang–Wang) for small n·d, Pelz–Good elsewhere. Where
// scipy uses Pomeranz's exact recursion (n ≤ 140, 0.754693 < n·d² ≤ 4) the Durbin matrix is used:
// both are exact, so they agree to rounding.

const MIN_LOG = -708;
const MINLOG_CEPHES = -7.08396418532264106224e2;
const SMIRNOV_MAX_COMPUTE_N = 1000000;
const LOG_2PI = Math.log(2 * Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const STIRLING = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
  -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
];

function clip01(p: number): number {
  return Math.min(Math.max(p, 0), 1);
}

/** log(n! / n^n) by Stirling's series with n·log n removed up front. */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/** P(D_n > x) for integer n ≥ 1. */
export function kolmogorovSf(n: number, x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * (1 - x) ** n);
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 4) return clip01(1 - durbinCdf(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip01(2 * smirnovSf(n, x));
  let cdf: number;
  if (nxSquared >= 18) cdf = 1;
  else if (n <= 100000 && n * x ** 1.5 <= 1.4) cdf = durbinCdf(n, x);
  else return clip01(pelzGoodSf(n, x));
  return clip01(1 - cdf);
}

const SCALE_EXP = 128;
const SCALE = 2 ** SCALE_EXP;

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k];
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] += aik * b[k * m + j];
    }
  }
  return out;
}

/** P(D_n ≤ d) by the Durbin matrix: the k-th diagonal entry of (n!/n^n)·H^n, scaled as it grows. */
export function durbinCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  let H = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  v[m - 1] = (1 + (Math.max(2 * h - 1, 0) ** m - 2 * h ** m)) * fac;
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1];
  for (let r = 0; r < m; r++) H[r * m] = v[r];
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c];

  let power = new Float64Array(m * m);
  for (let i = 0; i < m; i++) power[i * m + i] = 1;
  let nn = n;
  let exponent = 0;
  let hExponent = 0;
  while (nn > 0) {
    if (nn % 2) {
      power = matmul(power, H, m);
      exponent += hExponent;
    }
    H = matmul(H, H, m);
    hExponent *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]) > SCALE) {
      for (let i = 0; i < H.length; i++) H[i] /= SCALE;
      hExponent += SCALE_EXP;
    }
    nn = Math.floor(nn / 2);
  }
  let p = power[(k - 1) * m + (k - 1)];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < 1 / SCALE) {
      p *= SCALE;
      exponent -= SCALE_EXP;
    }
  }
  if (exponent !== 0) p *= 2 ** exponent;
  return p;
}

/** Pelz–Good asymptotic series for P(D_n > x) (Li-Chien/Korolyuk terms in their small-z form). */
export function pelzGoodSf(n: number, x: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  const z = Math.sqrt(n) * x;
  const z2 = z ** 2;
  const z3 = z ** 3;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const qlog = -PI2 / 8 / z2;
  if (qlog < MIN_LOG) return 1;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m ** 2;
    const m4 = m ** 4;
    const m6 = m ** 6;
    const qpower = q ** (8 * k);
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) K[i] = K[i] * qpower + coeffs[i];
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i] * q * SQRT_2PI) / divisors[i];
  q = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = Math.sqrt(3) * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qp = q ** k2;
    const kpi = Math.PI * k;
    k2extra += k2 * qp;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qp;
  }
  K[2] += k2extra * ((PI2 * SQRT_2PI) / (-36 * z3));
  K[3] += k3extra * ((PI2 * SQRT_2PI) / (216 * z6));
  let total = 0;
  for (let i = 0; i < 4; i++) {
    const term = -K[i] / n ** (i / 2);
    total += i === 0 ? 1 + term : term;
  }
  return total;
}

/** n·x as an exact double-double (Dekker), for floor(n·x) and its remainder without rounding. */
function exactProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const split = (v: number): [number, number] => {
    const c = 134217729 * v;
    const hi = c - (c - v);
    return [hi, v - hi];
  };
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  const err = ah * bh - p + ah * bl + al * bh + al * bl;
  return [p, err];
}

/** P(D+_n ≥ x), the one-sided Smirnov survival function (scipy.special.smirnov). */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const [hi, lo] = exactProduct(n, x);
  let nxfl = Math.floor(hi);
  let alpha = hi - nxfl + lo;
  if (alpha < 0) {
    nxfl -= 1;
    alpha += 1;
  }
  if (alpha >= 1) {
    nxfl += 1;
    alpha = 0;
  }
  let lastTerm = n - nxfl - (alpha === 0 ? 0 : 1);
  if (alpha === 0) lastTerm -= 1;
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) return 1 - x * (1 + x) ** (n - 1);
  if (-2 * n * x * x < MINLOG_CEPHES) return 0;
  if (nxfl >= n - 1) return (1 - x) ** n;
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logp = -((6 * n * x + 1) ** 2) / 18 / n;
    return logp < -Math.LN2 ? Math.exp(logp) : 1 - -Math.expm1(logp);
  }
  // Birnbaum–Tingey: x Σ_{v=0}^{⌊n(1−x)⌋} C(n,v) (1 − x − v/n)^(n−v) (x + v/n)^(v−1), every term in
  // log space with the binomial kept as mantissa·2^exponent so nothing overflows or cancels.
  const nTerms = lastTerm + 1;
  let cMantissa = 1;
  let cExponent = 0;
  let total = 0;
  let compensation = 0;
  for (let v = 0; v < nTerms; v++) {
    const w = x + v / n;
    const logTerm = Math.log(cMantissa) + cExponent * Math.LN2 + (n - v) * Math.log1p(-w) + (v - 1) * Math.log(w);
    const term = Math.exp(logTerm);
    const t = total + term;
    compensation += Math.abs(total) >= term ? total - t + term : term - t + total;
    total = t;
    if (term !== 0) {
      if (4 * (nTerms - v) * term < Number.EPSILON * (total + compensation) && v !== nTerms - 1) break;
    } else if (v > n / 2) break;
    cMantissa *= (n - v) / (v + 1);
    if (cMantissa > 2 ** 500) {
      cMantissa /= 2 ** 500;
      cExponent += 500;
    } else if (cMantissa < 2 ** -500) {
      cMantissa *= 2 ** 500;
      cExponent -= 500;
    }
  }
  return clip01(x * (total + compensation));
}
