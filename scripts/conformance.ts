/**
 * `npm run conformance`: replays the executions recorded against AWS Step Functions
 * (../shared/asl-conformance, or --vectors <dir> / ORCHESTRA_CONFORMANCE_DIR) through Orchestra's own
 * local engine — the adapter in lib/local/engine/engine.ts with its guards, patches and quotas, not the bare
 * interpreter — and compares each outcome with AWS's using the vectors' own comparison (compare.mjs)
 * and Lambda stand-ins (lambdas.mjs). A definition the adapter refuses before running counts as
 * refused, never as a pass. Last line: `asl conformance: N cases, P pass, F fail, S refused`
 * (plus vectors the stand-ins cannot run); exit 1 when any case fails.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { z } from 'zod';
import { type AnyDefinition, checkDefinition, type Json, walkStates } from '../lib/compiler/asl';
import { type ExecutionOutcome, prepareMachine, startExecution, type TaskHandler, UnsupportedDefinitionError } from '../lib/local/engine/engine';
import { TaskTokens } from '../lib/local/engine/task-tokens';
import { messageOf } from '../lib/shared/errors';
import { isJsonRecord } from '../lib/shared/json';

const ROOT = resolve(import.meta.dirname, '..');

// The vectors' timers are compressed as their own harness does: order kept, a 60 s wait takes ~135 ms.
const realSetTimeout = globalThis.setTimeout;
const compress = (ms: number | undefined): number => {
  const n = Number(ms) || 0;
  return n <= 20 ? Math.max(n, 0) : 20 + 10 * Math.log2(n / 20);
};
globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...rest: unknown[]) =>
  realSetTimeout(callback, compress(ms), ...rest)) as typeof globalThis.setTimeout;

const caseSchema = z.looseObject({
  id: z.string(),
  definition: z.record(z.string(), z.unknown()).optional(),
  input: z.string().nullable().optional(),
  skip: z.string().optional(),
  features: z.array(z.string()).optional(),
  lambdas: z.record(z.string(), z.unknown()).optional(),
  execution: z.looseObject({ stateMachine: z.string().optional(), name: z.string().optional() }).optional(),
});
type Case = z.infer<typeof caseSchema>;

/** What the harness modules export; checked, since they are plain JavaScript outside this project. */
interface Harness {
  readonly taskHandler: (state: unknown, lambdas: unknown) => ((input: unknown) => unknown) | string;
  readonly compareOutcome: (testCase: Case, local: Record<string, unknown>) => { differences: string[]; causeDifferences: string[] };
  readonly subset: ReadonlySet<string>;
  readonly classify: (id: string) => string | undefined;
  readonly roleArn: string;
}

async function loadHarness(dir: string): Promise<Harness> {
  const lambdas: Record<string, unknown> = await import(pathToFileURL(join(dir, 'lambdas.mjs')).href);
  const compare: Record<string, unknown> = await import(pathToFileURL(join(dir, 'compare.mjs')).href);
  const { taskHandler } = lambdas;
  const { compareOutcome, ROLE_ARN } = compare;
  if (typeof taskHandler !== 'function' || typeof compareOutcome !== 'function') throw new Error(`${dir}: lambdas.mjs or compare.mjs lacks taskHandler / compareOutcome`);
  // The compiler subset is declared in the harness's run.mjs; read the same list from its text.
  const runText = readFileSync(join(dir, 'run.mjs'), 'utf8');
  const subsetText = /COMPILER_SUBSET = new Set\(\[([\s\S]*?)\]\)/.exec(runText)?.[1] ?? '';
  const subset = new Set([...subsetText.matchAll(/'([^']+)'/g)].map((m) => m[1] ?? ''));
  const known = z
    .object({ divergences: z.array(z.looseObject({ key: z.string(), match: z.string() })) })
    .parse(JSON.parse(readFileSync(join(dir, 'known-divergences.json'), 'utf8')))
    .divergences.map((d) => ({ key: d.key, re: new RegExp(d.match) }));
  return {
    taskHandler: (state, given) => taskHandler(state, given),
    compareOutcome: (testCase, local) => {
      const verdict: unknown = compareOutcome(testCase, local);
      if (!isJsonRecord(verdict) || !Array.isArray(verdict['differences']) || !Array.isArray(verdict['causeDifferences']))
        throw new Error('compare.mjs answered without differences');
      return { differences: verdict['differences'].map(String), causeDifferences: verdict['causeDifferences'].map(String) };
    },
    subset,
    classify: (id) => known.find((d) => d.re.test(id))?.key,
    roleArn: String(ROLE_ARN),
  };
}

/** {"$repeat": [char, n]} → the long string the size-limit vectors stand for. */
function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expand);
  if (isJsonRecord(value)) {
    const repeat = value['$repeat'];
    if (Object.keys(value).length === 1 && Array.isArray(repeat)) return String(repeat[0]).repeat(Number(repeat[1]));
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expand(item)]));
  }
  return value;
}

type Verdict = { kind: 'pass' | 'fail'; differences: string[] } | { kind: 'refused'; reason: string } | { kind: 'unrunnable'; reason: string };

const CASE_WALL_MS = 20_000;

async function runCase(testCase: Case, harness: Harness, tokens: TaskTokens): Promise<Verdict> {
  if (testCase.skip !== undefined) return { kind: 'unrunnable', reason: testCase.skip };
  let definition: AnyDefinition;
  try {
    // The shape check first; the interpreter's own ASL validation runs inside prepareMachine.
    definition = checkDefinition(expand(testCase.definition), testCase.id);
  } catch (error) {
    return verdictOf(testCase, harness, { status: 'INVALID_DEFINITION', error: error instanceof Error ? error.name : 'Error', cause: messageOf(error) }, 0);
  }
  let invocations = 0;
  const handlers: Record<string, TaskHandler> = {};
  for (const { name, state } of walkStates(definition)) {
    if (state.Type !== 'Task') continue;
    const handler = harness.taskHandler(state, testCase.lambdas ?? {});
    if (typeof handler === 'string') return { kind: 'unrunnable', reason: handler };
    handlers[name] = async ({ input }) => {
      invocations += 1;
      // The stand-ins answer JSON (or throw the error AWS would report).
      const answer: Json = JSON.parse(JSON.stringify((await handler(input)) ?? null));
      return answer;
    };
  }
  let local: Record<string, unknown>;
  try {
    const machine = prepareMachine(definition, new Set(Object.keys(handlers)));
    const input = testCase.input === null || testCase.input === undefined ? {} : expand(JSON.parse(testCase.input));
    // The context the recorded executions had (as the shared harness gives it).
    const stateMachineName = testCase.execution?.stateMachine ?? 'state-machine';
    const name = testCase.execution?.name ?? 'execution';
    const identity = {
      executionArn: `arn:aws:states:us-east-1:111111111111:execution:${stateMachineName}:${name}`,
      stateMachineArn: `arn:aws:states:us-east-1:111111111111:stateMachine:${stateMachineName}`,
      stateMachineName,
      roleArn: harness.roleArn,
    };
    const execution = startExecution(machine, JSON.parse(JSON.stringify(input)), { name, handlers, tokens, identity });
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>((done) => {
      timer = realSetTimeout(() => done('hung'), CASE_WALL_MS);
    });
    const outcome: ExecutionOutcome | 'hung' = await Promise.race([execution.result, hung]);
    clearTimeout(timer);
    if (outcome === 'hung') {
      execution.abort('conformance: no result in time');
      local = { status: 'DID_NOT_FINISH', error: 'harness', cause: `no result within ${CASE_WALL_MS / 1000} s` };
    } else local = outcomeOf(outcome);
  } catch (error) {
    if (error instanceof UnsupportedDefinitionError) return { kind: 'refused', reason: error.problems.join('; ') };
    local = { status: 'INVALID_DEFINITION', error: error instanceof Error ? error.name : 'Error', cause: messageOf(error) };
  }
  return verdictOf(testCase, harness, local, invocations);
}

function verdictOf(testCase: Case, harness: Harness, local: Record<string, unknown>, invocations: number): Verdict {
  const verdict = harness.compareOutcome(testCase, { ...local, taskInvocations: invocations });
  return { kind: verdict.differences.length === 0 ? 'pass' : 'fail', differences: verdict.differences };
}

function outcomeOf(outcome: ExecutionOutcome): Record<string, unknown> {
  return outcome.status === 'SUCCEEDED' ? { status: outcome.status, output: outcome.output } : { status: outcome.status, error: outcome.error, cause: outcome.cause };
}

async function main(options: { vectors: string; subset?: boolean; filter?: string; verbose?: boolean; ifPresent?: boolean }): Promise<number> {
  const dir = resolve(options.vectors);
  if (!existsSync(join(dir, 'cases'))) {
    // The vectors are not ours to copy into the repository; where they are absent, say so in one line.
    const where = `no vectors at ${dir} — pass --vectors <dir> or set ORCHESTRA_CONFORMANCE_DIR (the asl-conformance folder beside the project)`;
    console.error(`conformance: ${options.ifPresent === true ? 'NOT RUN: ' : ''}${where}`);
    return options.ifPresent === true ? 0 : 2;
  }
  const harness = await loadHarness(dir);
  const cases = readdirSync(join(dir, 'cases'))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .flatMap((file) => z.object({ cases: z.array(caseSchema) }).parse(JSON.parse(readFileSync(join(dir, 'cases', file), 'utf8'))).cases)
    .filter((c) => options.filter === undefined || c.id.includes(options.filter))
    .filter((c) => options.subset !== true || (c.skip === undefined && (c.features ?? []).every((f) => harness.subset.has(f))));
  const tokens = new TaskTokens();
  const counts = { pass: 0, fail: 0, refused: 0, unrunnable: 0 };
  const byDivergence = new Map<string, { fail: number; refused: number }>();
  for (const testCase of cases) {
    const verdict = await runCase(testCase, harness, tokens);
    counts[verdict.kind] += 1;
    if (verdict.kind === 'fail' || verdict.kind === 'refused') {
      const key = harness.classify(testCase.id) ?? 'UNCLASSIFIED';
      const entry = byDivergence.get(key) ?? { fail: 0, refused: 0 };
      entry[verdict.kind] += 1;
      byDivergence.set(key, entry);
      if (verdict.kind === 'fail') {
        console.log(`FAIL ${testCase.id} [${key}]`);
        for (const difference of verdict.differences) console.log(`     ${difference.slice(0, 300)}`);
      } else if (verdict.kind === 'refused' && options.verbose === true) console.log(`REFUSED ${testCase.id} [${key}]: ${verdict.reason.slice(0, 300)}`);
    }
  }
  console.log('');
  for (const [key, entry] of [...byDivergence].sort((a, b) => b[1].fail + b[1].refused - a[1].fail - a[1].refused)) {
    console.log(`divergence ${key}: ${entry.fail} fail, ${entry.refused} refused`);
  }
  if (counts.unrunnable > 0) console.log(`${counts.unrunnable} vector(s) the Lambda stand-ins cannot run (as in the shared harness)`);
  console.log(`asl conformance: ${cases.length - counts.unrunnable} cases, ${counts.pass} pass, ${counts.fail} fail, ${counts.refused} refused`);
  return counts.fail > 0 ? 1 : 0;
}

const program = new Command('conformance')
  .description("Replay the AWS-recorded Step Functions executions through Orchestra's local engine")
  .option('--vectors <dir>', 'the asl-conformance folder', process.env['ORCHESTRA_CONFORMANCE_DIR'] ?? join(ROOT, '..', 'shared', 'asl-conformance'))
  .option('--subset', 'only vectors that use nothing but what the compiler emits')
  .option('--filter <text>', 'only vectors whose id contains this')
  .option('--verbose', 'say why each refused vector was refused')
  .option('--if-present', 'when the vectors are not there, say so and exit 0 (npm test on a machine without ../shared)')
  .action(async (options: { vectors: string; subset?: boolean; filter?: string; verbose?: boolean; ifPresent?: boolean }) => {
    process.exitCode = await main(options);
    // Stand-ins that sleep may still be pending after their Task ended; do not wait for them.
    realSetTimeout(() => process.exit(process.exitCode), 50).unref();
  });
void program.parseAsync();
