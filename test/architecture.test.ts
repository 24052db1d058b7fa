/** Imports flow one way: graph ← compiler ← cli. The compiler stays pure (no AWS SDK, no CDK, no fs). */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const LIB = join(import.meta.dirname, '..', 'lib');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const importsOf = (file: string): string[] => [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1] as string);

const rules: Array<[string, RegExp]> = [
  ['graph', /\/(compiler|cli|cdk|local)\/|aws-cdk-lib|@aws-sdk/],
  ['compiler', /\/(cli|cdk|local)\/|aws-cdk-lib|@aws-sdk|node:fs|aws-local-stepfunctions/],
  ['runtime', /\/(graph|compiler|cli|cdk|local)\/|aws-cdk-lib|aws-local-stepfunctions/],
  ['local', /\/(cli|cdk)\/|aws-cdk-lib/],
];

/** Handlers and containers are bundled alone for Lambda and Fargate: they may use lib/runtime only. */
const FUNCTIONS = join(import.meta.dirname, '..', 'functions');
const CONTAINERS = join(import.meta.dirname, '..', 'containers');

describe('architecture', () => {
  it.each([FUNCTIONS, CONTAINERS])('%s imports nothing from lib/ but lib/runtime, lib/contract and lib/shared', (dir) => {
    const offenders = sourceFiles(dir).flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith('.') && /\/lib\/(?!(runtime|contract|shared)\/)/.test(`/${relative(join(import.meta.dirname, '..'), join(file, '..', spec))}`))
        .map((spec) => `${relative(dir, file)} imports ${spec}`),
    );

    expect(offenders).toEqual([]);
  });

  it.each(rules)('lib/%s imports nothing it must not', (folder, forbidden) => {
    const offenders = sourceFiles(join(LIB, folder)).flatMap((file) =>
      importsOf(file)
        .filter((spec) => forbidden.test(spec.startsWith('.') ? `/${relative(LIB, join(file, '..', spec))}/` : spec))
        .map((spec) => `${relative(LIB, file)} imports ${spec}`),
    );

    expect(offenders).toEqual([]);
  });
});
