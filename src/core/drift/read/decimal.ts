// Decimal fields straight from their bytes to the double JavaScript's Number() gives, without a
// string: the CSV reader's fast path for numeric columns.

const LF = 0x0a;
const CR = 0x0d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Where the last fastDecimal or longDecimal call stopped (on the delimiter or line end). */
let stoppedAt = 0;

export function decimalEnd(): number {
  return stoppedAt;
}

/**
 * Clinger's fast path, fused with the scan: the unquoted field at `pos` as a double when it is a
 * plain decimal whose digits fit an exact integer mantissa and whose power of ten is at most 22
 * (one correctly rounded division or multiplication), else NaN (the caller decodes it as text).
 * Up to 9 digits accumulate in a small integer, cheaper than double arithmetic; longer mantissas
 * and exponents go to longDecimal. The row's final line feed stops every loop.
 */
export function fastDecimal(buf: Buffer, pos: number, delimiter: number): number {
  let i = pos;
  let b = buf[i];
  let negative = false;
  if (b === MINUS || b === PLUS) {
    negative = b === MINUS;
    b = buf[++i];
  }
  let small = 0;
  let count = 0;
  let scale = 0;
  while (b >= ZERO && b <= NINE) {
    if (count === 9) return longDecimal(buf, pos, delimiter);
    small = small * 10 + (b - ZERO);
    count++;
    b = buf[++i];
  }
  if (b === DOT) {
    b = buf[++i];
    while (b >= ZERO && b <= NINE) {
      if (count === 9) return longDecimal(buf, pos, delimiter);
      small = small * 10 + (b - ZERO);
      count++;
      scale--;
      b = buf[++i];
    }
  }
  if (count === 0) return NaN;
  if (b === LOWER_E || b === UPPER_E) return longDecimal(buf, pos, delimiter);
  if (b !== delimiter && b !== LF && b !== CR) return NaN;
  stoppedAt = i;
  const value = scale < 0 ? small / POW10[-scale] : small;
  return negative ? -value : value;
}

/** fastDecimal for any mantissa and exponent: exact while the significant digits are at most 15. */
function longDecimal(buf: Buffer, pos: number, delimiter: number): number {
  let i = pos;
  let b = buf[i];
  let negative = false;
  if (b === MINUS || b === PLUS) {
    negative = b === MINUS;
    b = buf[++i];
  }
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let sawDigit = false;
  while (b >= ZERO && b <= NINE) {
    mantissa = mantissa * 10 + (b - ZERO);
    if (mantissa !== 0) digits++;
    sawDigit = true;
    b = buf[++i];
  }
  if (b === DOT) {
    b = buf[++i];
    while (b >= ZERO && b <= NINE) {
      mantissa = mantissa * 10 + (b - ZERO);
      if (mantissa !== 0) digits++;
      scale--;
      sawDigit = true;
      b = buf[++i];
    }
  }
  if (!sawDigit) return NaN;
  if (b === LOWER_E || b === UPPER_E) {
    b = buf[++i];
    let expNegative = false;
    if (b === MINUS || b === PLUS) {
      expNegative = b === MINUS;
      b = buf[++i];
    }
    let exp = 0;
    let expDigits = false;
    while (b >= ZERO && b <= NINE && exp < 10000) {
      exp = exp * 10 + (b - ZERO);
      expDigits = true;
      b = buf[++i];
    }
    if (!expDigits) return NaN;
    scale += expNegative ? -exp : exp;
  }
  if ((b !== delimiter && b !== LF && b !== CR) || digits > 15 || scale < -22 || scale > 22) return NaN;
  stoppedAt = i;
  const value = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
  return negative ? -value : value;
}
