/**
 * A project with one Lambda handler that records each call in a file and fails at step "b" while a
 * marker file exists: what redrive tests need to count which steps ran again.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineGraph } from '../../lib/graph/schema';

export interface CountedProject {
  readonly root: string;
  /** One line per call: the step id. */
  readonly calls: string;
  /** While this file exists, step b fails with NotReady. */
  readonly failWhile: string;
  /** a → b → c, no retries. */
  readonly chain: PipelineGraph;
  /** The run input the handler reads its files from. */
  readonly input: { readonly calls: string; readonly failWhile: string };
}

export function countedProject(name = 'chain'): CountedProject {
  const root = mkdtempSync(join(tmpdir(), 'orchestra-counted-'));
  mkdirSync(join(root, 'functions', 'counted'), { recursive: true });
  writeFileSync(
    join(root, 'functions', 'counted', 'index.ts'),
    `import { appendFileSync, existsSync } from 'node:fs';
export const handler = async (event: { step: string; input: { calls: string; failWhile: string } }) => {
  appendFileSync(event.input.calls, event.step + '\\n');
  process.stdout.write('running ' + event.step + '\\n');
  if (event.step === 'b' && existsSync(event.input.failWhile)) throw Object.assign(new Error('b is not ready'), { name: 'NotReady' });
  return { step: event.step };
};
`,
  );
  const counted = { kind: 'lambda' as const, handler: 'functions/counted/index.ts', retry: { maxAttempts: 1 } };
  const calls = join(root, 'calls.txt');
  const failWhile = join(root, 'fail-b');
  return {
    root,
    calls,
    failWhile,
    chain: { name, steps: { a: counted, b: { ...counted, dependsOn: ['a'] }, c: { ...counted, dependsOn: ['b'] } } },
    input: { calls, failWhile },
  };
}
