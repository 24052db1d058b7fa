/**
 * The files a DassFlow-2D case needs, from its own `input.txt` (the mesh it names) and `bc.txt` (the
 * files its boundary types read): what an upload trigger waits for before the case is complete.
 */
import { INPUT_FILE, parseNamelist } from './namelist';
import type { CaseProblem } from './problems';
import { parseBcFile } from './tables';

/** Files a boundary type reads besides bc.txt. */
export const FILES_OF_BOUNDARY_TYPE: Readonly<Record<string, string>> = {
  discharg1: 'hydrograph.txt',
  discharg2: 'hydrograph.txt',
  ratcurve: 'rating_curve.txt',
  zspresc: 'zspresc.txt',
  hpresc: 'hpresc.txt',
};

/**
 * input.txt, the mesh, bc.txt, land_uses.txt and what bc.txt's types read (bc.txt's own needs are
 * known once it is there). Unreadable files add nothing: the validation step names their problems.
 */
export function requiredCaseFiles(inputText: string, bcText: string | undefined): string[] {
  const ignored: CaseProblem[] = [];
  const mesh = parseNamelist(inputText).values.get('mesh_name')?.raw;
  const files = new Set([INPUT_FILE, ...(mesh === undefined || mesh === '' ? [] : [mesh]), 'bc.txt', 'land_uses.txt']);
  if (bcText !== undefined)
    for (const condition of parseBcFile(bcText, ignored)) {
      const file = FILES_OF_BOUNDARY_TYPE[condition.type];
      if (file !== undefined) files.add(file);
    }
  return [...files];
}
