import { isAbsolute, join } from 'node:path';
import { fargateBilledSeconds } from '../../contract/prices';
import type { ContainerStep } from '../../graph/schema';
import { DEFAULT_CONTAINER_MEMORY_MIB } from '../../kinds/container/schema';
import { asJsonRecord } from '../../shared/json';
import { ContainerOverridesTooLongError, ContainerStepError, type LocalKind, MAX_CONTAINER_OVERRIDES_CHARACTERS, runLocalContainer, type StepRunContext } from '../task-runners';

/** The environment ECS would give the container: the Task's ContainerOverrides plus the task definition's. */
function containerEnvironment(context: StepRunContext<ContainerStep>): Record<string, string> {
  const overrides = asJsonRecord(asJsonRecord(context.attempt.input)?.['Overrides'])?.['ContainerOverrides'];
  const first = Array.isArray(overrides) ? asJsonRecord(overrides[0]) : undefined;
  const pairs = first?.['Environment'];
  const fromOverrides = Object.fromEntries(
    (Array.isArray(pairs) ? pairs : []).flatMap((pair) => {
      const entry = asJsonRecord(pair);
      return entry === undefined ? [] : [[String(entry['Name']), String(entry['Value'])]];
    }),
  );
  const inherited = Object.fromEntries((context.step.local?.inheritEnvironment ?? []).flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])));
  return { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...inherited, ...context.environment, ...(context.step.environment ?? {}), ...fromOverrides };
}

/** ECS refuses a RunTask whose container overrides' JSON is over its cap: the run input and dependency results travel there. */
function checkOverridesLength(context: StepRunContext<ContainerStep>): void {
  const overrides = asJsonRecord(asJsonRecord(context.attempt.input)?.['Overrides'])?.['ContainerOverrides'];
  const length = JSON.stringify(overrides ?? []).length;
  if (length > MAX_CONTAINER_OVERRIDES_CHARACTERS) throw new ContainerOverridesTooLongError(length);
}

/** `local.command` runs as a child process with the environment its Fargate container gets. */
export const containerLocal: LocalKind<ContainerStep> = {
  isProcess: true,
  async run(context) {
    const { step } = context;
    if (step.local === undefined) {
      throw new ContainerStepError(`step "${context.stepId}" has no "local.command", so it cannot run without Docker — add e.g. "local": {"command": ["node", "path/to/main.js"]}`);
    }
    checkOverridesLength(context);
    const cwd = step.local.cwd === undefined ? context.rootDir : isAbsolute(step.local.cwd) ? step.local.cwd : join(context.rootDir, step.local.cwd);
    const { pid } = await runLocalContainer({
      command: step.local.command,
      cwd,
      env: containerEnvironment(context),
      signal: context.attempt.signal,
      log: context.log,
      onUsage: (used) =>
        context.reportUsage?.({
          endedAt: new Date().toISOString(),
          measuredBy: 'local-process',
          scope: 'invocation',
          // As Fargate bills the task: by the second, at least a minute.
          billedDurationMs: fargateBilledSeconds(used.durationMs / 1000) * 1000,
          memorySizeMb: step.memoryMiB ?? DEFAULT_CONTAINER_MEMORY_MIB,
          ...used,
        }),
      ...(context.processes === undefined ? {} : { processes: { registry: context.processes, runId: context.runId, step: context.stepId } }),
    });
    // The fields of ecs:RunTask's response the compiled ResultSelector reads.
    return { TaskArn: `arn:aws:ecs:us-east-1:000000000000:task/orchestra-local/${context.runId}-${context.stepId}-${context.attempt.attempt}-${pid}` };
  },
};
