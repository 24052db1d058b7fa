#!/usr/bin/env node
// Thin launcher: refuses a Node that is too old (steps would fail later with obscure errors), then
// registers tsx so the TypeScript CLI runs from a checkout without a build step.
import { nodeVersionProblem } from './node-version.js';

const problem = nodeVersionProblem(process.version);
if (problem !== undefined) {
  process.stderr.write(`error: ${problem}\n`);
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
await import('./orchestra.ts');
