#!/usr/bin/env node
// Thin launcher: registers tsx so the TypeScript CLI runs from a checkout without a build step.
import { register } from 'tsx/esm/api';

register();
await import('./orchestra.ts');
