/** The live task list: redrawn in place within the terminal's width; plain lines elsewhere. */
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ProgressView } from '../../lib/cli/progress';

class FakeTerminal extends Writable {
  readonly chunks: string[] = [];
  readonly rows = 24;
  constructor(readonly columns: number) {
    super();
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.chunks.push(chunk.toString('utf8'));
    done();
  }
}

const LONG_CAUSE = 'the case is missing valley.geo, hydrograph.txt and rating_curve.txt; upload them to the same folder and try again';

describe('ProgressView', () => {
  it('on a terminal, never draws a line wider than it, even for long step ids and errors', () => {
    const terminal = new FakeTerminal(40);
    const view = new ProgressView({ terminal }, ['validate-inputs', 'a-step-with-a-rather-long-identifier'], () => 'r1');

    view.log('Run r1 of flood started');
    view.onEvent({ type: 'step', runId: 'r1', step: 'validate-inputs', status: 'RUNNING', attempt: 1 });
    view.onEvent({ type: 'step', runId: 'r1', step: 'validate-inputs', status: 'FAILED', attempt: 1, error: { error: 'Orchestra.Permanent', cause: LONG_CAUSE } });
    view.finish({ 'validate-inputs': { status: 'FAILED' }, 'a-step-with-a-rather-long-identifier': { status: 'SKIPPED' } });

    const visible = stripVTControlCharacters(terminal.chunks.join('')).split('\n');
    expect(Math.max(...visible.map((line) => line.length))).toBeLessThanOrEqual(40);
    expect(visible.join('')).toContain('Run r1 of flood started');
    expect(terminal.chunks.join('')).toContain('\x1b[2K'); // erased in place, not appended
  });

  it('on a pseudo-terminal that reports no size, writes plain lines instead of one character per line', () => {
    const terminal = new FakeTerminal(0);

    const view = new ProgressView({ terminal }, ['a'], () => 'r1');
    view.onEvent({ type: 'step', runId: 'r1', step: 'a', status: 'RUNNING', attempt: 1 });

    expect(terminal.chunks.join('')).not.toContain('\x1b');
    expect(terminal.chunks.join('')).toMatch(/a +running/);
  });

  it('elsewhere, writes one plain line per change and no escape codes', () => {
    const lines: string[] = [];
    const view = new ProgressView({ lines: (text) => lines.push(text) }, ['a'], () => 'r1');

    view.onEvent({ type: 'step', runId: 'r1', step: 'a', status: 'RUNNING', attempt: 1 });
    view.onEvent({ type: 'step', runId: 'r1', step: 'a', status: 'SUCCEEDED', attempt: 1 });
    view.onEvent({ type: 'step', runId: 'other', step: 'a', status: 'FAILED', attempt: 1 });

    expect(lines.map((line) => line.slice(9).replace(/\d+\.\d s/, 'N s'))).toEqual(['a                        running N s', 'a                        done N s']);
    expect(lines.join('')).not.toContain('\x1b');
  });

  it('shows the percentage a running step reports, once per change, and drops it when the step ends', () => {
    const lines: string[] = [];
    const view = new ProgressView({ lines: (text) => lines.push(text) }, ['run-model'], () => 'r1');

    view.onEvent({ type: 'step', runId: 'r1', step: 'run-model', status: 'RUNNING', attempt: 1 });
    view.onEvent({ type: 'step-progress', runId: 'r1', step: 'run-model', attempt: 1, percent: 10 });
    view.onEvent({ type: 'step-progress', runId: 'r1', step: 'run-model', attempt: 1, percent: 10 });
    view.onEvent({ type: 'step-progress', runId: 'other', step: 'run-model', attempt: 1, percent: 50 });
    view.onEvent({ type: 'step-progress', runId: 'r1', step: 'run-model', attempt: 1, percent: 100 });
    view.onEvent({ type: 'step', runId: 'r1', step: 'run-model', status: 'SUCCEEDED', attempt: 1 });

    expect(lines.map((line) => line.slice(9).replace(/\d+\.\d s/, 'N s'))).toEqual([
      'run-model                running N s',
      'run-model                running 10% N s',
      'run-model                running 100% N s',
      'run-model                done N s',
    ]);
  });
});
