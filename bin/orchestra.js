#!/usr/bin/env node
// Thin launcher: registers tsx so the TypeScript CLI runs from a checkout without a build step.
require('tsx/cjs');
require('./orchestra.ts');
