/** The one place errors become exit codes and messages. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportError } from '../../lib/cli/exit-codes';
import { GraphValidationError, issue } from '../../lib/contract/issues';
import { InvariantError, OrchestraError, UsageError } from '../../lib/shared/errors';
import { cli } from '../helpers/cli';

function report(error: unknown): { code: number; printed: string } {
  const printed: string[] = [];
  const code = reportError(error, { out: (text) => printed.push(text), err: (text) => printed.push(text) });
  return { code, printed: printed.join('\n') };
}

describe('reportError', () => {
  it('prints a user error as its message, exit 1, no stack', () => {
    const { code, printed } = report(new OrchestraError('run-not-found', 'no run "x" — list runs with `orchestra runs`'));

    expect(code).toBe(1);
    expect(printed).toBe('error: no run "x" — list runs with `orchestra runs`');
  });

  it('gives a usage error exit 2', () => {
    expect(report(new UsageError('--input x: not a folder')).code).toBe(2);
  });

  it('prints every issue of an invalid graph as is', () => {
    const { code, printed } = report(new GraphValidationError([issue('empty-steps', 'steps', 'the pipeline has no steps', 'add a step')], 'p.graph.json'));

    expect(code).toBe(1);
    expect(printed).toContain('p.graph.json: error: steps: the pipeline has no steps — add a step');
  });

  it('reports a broken invariant or a foreign error as an internal error with its stack', () => {
    for (const error of [new InvariantError('the plan names unknown step "x"'), new TypeError('x is undefined')]) {
      const { code, printed } = report(error);

      expect(code).toBe(1);
      expect(printed).toMatch(/^internal error \(please report it\): .*\n\s+at /);
    }
  });
});

describe('folder options', () => {
  it.each([
    ['runs', '--data-dir'],
    ['run', '--out'],
  ])('fails when `%s %s` names a file: usage error, exit 2, before any work', async (command, option) => {
    const file = join(mkdtempSync(join(tmpdir(), 'orchestra-cli-')), 'a-file');
    writeFileSync(file, 'x');
    const args = command === 'run' ? ['run', join(import.meta.dirname, '..', 'fixtures', 'graphs', 'valid', 'simulate-diamond.graph.json'), option, file] : [command, option, file];

    const { code, stderr } = await cli(...args);

    expect(code).toBe(2);
    expect(stderr).toBe(`error: ${option} ${file} is a file, not a folder — pass a folder (it is created if missing)`);
  });
});

describe('numeric options', () => {
  it.each([
    ['runs', '--limit', 'abc'],
    ['runs', '--limit', '0'],
    ['runs', '--limit', '1e3'],
    ['up', '--port', '70000'],
    ['up', '--port', '-1'],
  ])('fails when `%s %s %s` is not a whole number in range: usage error, exit 2, naming the option', async (command, option, value) => {
    const { code, stderr } = await cli(command, option, value, '--data-dir', mkdtempSync(join(tmpdir(), 'orchestra-cli-')));

    expect(code).toBe(2);
    expect(stderr).toContain(`option '${option === '--limit' ? '-n, --limit <count>' : '-p, --port <port>'}' argument '${value}' is invalid`);
  });
});
