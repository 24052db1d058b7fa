/**
 * Numbers as DassFlow-2D's Fortran reads and writes them: `1.d-8` and `36000.d0` in its inputs; in
 * its outputs, exponents of three digits lose their `E` (`9.97821065+122`), and `NaN` and
 * `Infinity` appear in blown-up runs. Hand-written: no number library reads Fortran's forms.
 */
const FORTRAN_EXPONENT = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eEdD]([+-]?\d+)|([+-]\d{3,}))$/;
const PLAIN = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

/** The value of one Fortran number token; NaN when it is not one (callers say which file and line). */
export function fortranNumber(token: string): number {
  const text = token.trim();
  if (PLAIN.test(text)) return Number(text);
  const exponent = FORTRAN_EXPONENT.exec(text);
  if (exponent !== null) return Number(`${exponent[1]}e${exponent[2] ?? exponent[3]}`);
  const special = text.toLowerCase().replace(/^[+]/, '');
  if (special === 'nan' || special === '-nan') return Number.NaN;
  if (special === 'infinity' || special === 'inf') return Number.POSITIVE_INFINITY;
  if (special === '-infinity' || special === '-inf') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

/** Whether a token is a number at all (NaN and Infinity included, as Fortran writes them). */
export const isFortranNumber = (token: string): boolean => !Number.isNaN(fortranNumber(token)) || /^[+-]?nan$/i.test(token.trim());
