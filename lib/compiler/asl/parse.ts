/**
 * Reads a definition from text that may have been edited by hand (a committed .asl.json, a test's
 * definition): checked for the shape the walker and the engine rely on, never cast. The interpreter
 * validates the rest of ASL itself.
 */
import { z } from 'zod';
import { OrchestraError } from '../../shared/errors';
import type { AnyBranch, AnyDefinition, AnyState } from './types';

const anyState: z.ZodType<AnyState> = z.lazy(() =>
  z.looseObject({ Type: z.string(), Branches: z.array(anyBranch).optional(), ItemProcessor: anyBranch.optional(), Iterator: anyBranch.optional() }),
);
const anyBranch: z.ZodType<AnyBranch> = z.lazy(() => z.looseObject({ StartAt: z.string(), States: z.record(z.string(), anyState) }));
const anyDefinition: z.ZodType<AnyDefinition> = z.looseObject({ StartAt: z.string(), States: z.record(z.string(), anyState) });

export class DefinitionShapeError extends OrchestraError {
  override readonly name = 'DefinitionShapeError';
}

/** `source` names the file (or other origin) in the error. */
export function parseDefinition(text: string, source: string): AnyDefinition {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DefinitionShapeError('definition-json', `${source}: not JSON (${(error as Error).message}) — rebuild it with \`npx orchestra build\``, { cause: error });
  }
  return checkDefinition(json, source);
}

export function checkDefinition(json: unknown, source: string): AnyDefinition {
  const parsed = anyDefinition.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${['$', ...issue.path.map(String)].join('.')}: ${issue.message}`);
  throw new DefinitionShapeError('definition-shape', `${source} is not a state machine definition:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
