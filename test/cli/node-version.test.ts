/** Issue 11, item 19: an old Node is refused at start with the fix, not with "Promise.withResolvers is not a function" later. */
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem, runsOnAnyNode } from '../../bin/node-version.js';

describe('Node version guard', () => {
  it('refuses Node 20 with the fix', () => {
    expect(nodeVersionProblem('v20.20.2')).toBe(
      'Orchestra needs Node 22 or later; this is Node v20.20.2. Run it through npm (npx orchestra …, npm start), which uses the Node 24 that npm ci installs, or install Node 22+ (see .nvmrc).',
    );
  });

  it('accepts Node 22 and later, including this one', () => {
    expect([nodeVersionProblem('v22.0.0'), nodeVersionProblem('v24.21.0'), nodeVersionProblem(process.version)]).toEqual([undefined, undefined, undefined]);
  });
});

describe('commands that run on any Node', () => {
  it('lets init, help and the version run on the system Node a newcomer has', () => {
    expect([[], ['init', 'lab'], ['--help'], ['-h'], ['help', 'run'], ['--version']].map(runsOnAnyNode)).toEqual([true, true, true, true, true, true]);
  });

  it('keeps every other command on Node 22 or later', () => {
    expect([['run', 'flood'], ['up'], ['validate', 'x.graph.json'], ['initialise']].map(runsOnAnyNode)).toEqual([false, false, false, false]);
  });
});
