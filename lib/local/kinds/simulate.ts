import type { SimulateStep } from '../../graph/schema';
import { SIMULATE_MEMORY_MIB } from '../../kinds/simulate/schema';
import { builtinFunctionModule } from '../../shared/builtin-functions';
import { type LocalKind, runInProcess } from '../task-runners';

/** The built-in handler behind every simulate step (functions/simulate-step), shipped with Orchestra. */
export const SIMULATE_HANDLER = builtinFunctionModule('simulate-step');

export const simulateLocal: LocalKind<SimulateStep> = { run: (context) => runInProcess(SIMULATE_HANDLER, SIMULATE_MEMORY_MIB, context), isProcess: false };
