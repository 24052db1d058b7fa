/**
 * The registry of step kinds, graph side. Adding a kind: a folder under lib/kinds/ with its schema,
 * spec, compile, local and cdk modules, and one line here and in each of compile.ts, local.ts and
 * cdk.ts (each registry is a mapped type over the kinds, so a missing line is a type error).
 */
import { z } from 'zod';
import { containerKind } from './container/spec';
import { lambdaKind } from './lambda/spec';
import { pipelineKind } from './pipeline/spec';
import { serviceKind } from './service/spec';
import { simulateKind } from './simulate/spec';

export const STEP_KIND_SPECS = { lambda: lambdaKind, container: containerKind, simulate: simulateKind, service: serviceKind, pipeline: pipelineKind } as const;

export const stepSchema = z.discriminatedUnion('kind', [lambdaKind.schema, containerKind.schema, simulateKind.schema, serviceKind.schema, pipelineKind.schema]);
