/**
 * `input.txt`, the `&list_input … /` namelist, read the way DassFlow-2D reads it: it first runs
 * sed over it (comment lines, blank lines and `!` comments out, every space and tab deleted), then a
 * Fortran namelist read, which stops at the first key it does not know and runs with what it had —
 * so a misspelt key silently simulates nothing. Every key is checked here against the model's own list.
 */
import { distance } from 'fastest-levenshtein';
import { fortranNumber } from './numbers';
import type { CaseProblem } from './problems';

export const INPUT_FILE = 'input.txt';

/** The keys of DassFlow-2D's `list_input` namelist (FORMATS.md §7.1), lower case: Fortran ignores case. */
const KNOWN_KEYS = new Set(
  (
    'mesh_type mesh_name ts dtw dtp dta dt adapt_dt cfl temp_scheme spatial_scheme heps friction g w_gnuplot w_vtk w_tecplot w_obs use_obs ' +
    'max_nt_for_direct bc_rain bc_infil lx ly nx ny bc_n bc_s bc_w bc_e do_warmup w_exact w_norm use_zobs use_uvobs use_huvobs use_qobs ' +
    'use_qobs_gr4 use_nse use_xsshp xsshp_along_x xsshp_along_y use_ptf max_nt_for_adjoint restart_min eps_min feedback_inflow coef_feedback'
  ).split(' '),
);
/** Assimilation keys come in families. */
const KNOWN_PREFIXES = ['c_', 'eps_', 'regul_'];

export interface NamelistValue {
  readonly raw: string;
  readonly line: number;
}

export interface Namelist {
  /** Lower-case key → value as written (quotes removed from strings). */
  readonly values: ReadonlyMap<string, NamelistValue>;
  readonly problems: readonly CaseProblem[];
}

const unquote = (raw: string): string => (/^(['"]).*\1$/.test(raw) ? raw.slice(1, -1) : raw);

function suggestKey(key: string): string {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const known of KNOWN_KEYS) {
    const d = distance(key, known);
    if (d < bestDistance) [best, bestDistance] = [known, d];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(key.length / 3))
    ? `did you mean "${best}"?`
    : 'remove it, or check the spelling against the DassFlow-2D documentation';
}

export function parseNamelist(text: string): Namelist {
  const values = new Map<string, NamelistValue>();
  const problems: CaseProblem[] = [];
  const problem = (line: number | undefined, message: string, fix: string) => problems.push({ file: INPUT_FILE, ...(line === undefined ? {} : { line }), message, fix });
  let started = false;
  let ended = false;
  text.split(/\r?\n/).forEach((original, index) => {
    const line = index + 1;
    if (ended || original.trimStart().startsWith('!')) return;
    let rest = withoutComment(original).replace(/[ \t]/g, '');
    if (rest === '') return;
    if (!started) {
      if (!rest.toLowerCase().startsWith('&list_input')) {
        problem(line, `expected "&list_input" to open the namelist, found "${rest.slice(0, 30)}"`, 'start the file with a line "&list_input"');
        ended = true;
        return;
      }
      started = true;
      rest = rest.slice('&list_input'.length);
    }
    if (rest.endsWith('/')) {
      ended = true;
      rest = rest.replace(/\/+$/, '');
    }
    for (const assignment of rest.split(',').filter((part) => part !== '')) {
      const equals = assignment.indexOf('=');
      if (equals <= 0) {
        problem(line, `"${assignment}" is not key=value`, 'write each setting as key = value');
        continue;
      }
      const key = assignment.slice(0, equals).toLowerCase();
      const raw = unquote(assignment.slice(equals + 1));
      if (!KNOWN_KEYS.has(key) && !KNOWN_PREFIXES.some((prefix) => key.startsWith(prefix))) {
        problem(line, `unknown key "${key}": DassFlow-2D stops reading the namelist here and runs with what it read before (with no "ts", it simulates nothing)`, suggestKey(key));
        continue;
      }
      if (values.has(key)) problem(line, `"${key}" is set twice (also line ${values.get(key)?.line})`, 'keep one');
      values.set(key, { raw, line });
    }
  });
  if (!started) problem(undefined, 'no "&list_input" namelist: the model would stop with "Unknow mesh type"', 'write the namelist: &list_input, one key = value per line, then /');
  else if (!ended) problem(undefined, 'the namelist is not closed', 'end it with a line "/"');
  return { values, problems };
}

/** A numeric setting, or undefined (with a problem) when it is not a number. */
/** The line without its `!` comment: a `!` inside quotes (mesh_name = 'valley!.geo') is part of the value. */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '!') return line.slice(0, i);
  }
  return line;
}

export function numberSetting(namelist: Namelist, key: string, problems: CaseProblem[]): number | undefined {
  const value = namelist.values.get(key);
  if (value === undefined) return undefined;
  const number = fortranNumber(value.raw);
  if (!Number.isFinite(number)) {
    problems.push({ file: INPUT_FILE, line: value.line, message: `${key} = ${value.raw} is not a number`, fix: `write a number, e.g. ${key} = 3600.` });
    return undefined;
  }
  return number;
}
