#!/usr/bin/env node
// Thin launcher, plain JavaScript: it runs on whatever Node started it. The installed package runs its
// compiled CLI (dist/cli.js); a checkout of Orchestra's own repository runs the TypeScript sources
// through tsx, so no build step stands between an edit and a run.
import { existsSync } from 'node:fs';
import { nodeVersionProblem, runsOnAnyNode } from './node-version.js';

const problem = nodeVersionProblem(process.version);
if (problem !== undefined && !runsOnAnyNode(process.argv.slice(2))) {
  process.stderr.write(`error: ${problem}\n`);
  process.exit(1);
}
if (existsSync(new URL('../lib/cli/main.ts', import.meta.url))) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./orchestra.ts');
} else if (existsSync(new URL('../dist/cli.js', import.meta.url))) {
  await import('../dist/cli.js');
} else {
  process.stderr.write(
    'error: this copy of Orchestra is not built (no dist/cli.js): install it from a tarball (`npm pack` in its repository) or a registry version, not from a git URL\n',
  );
  process.exit(1);
}
