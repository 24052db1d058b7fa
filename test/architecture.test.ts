/** Imports flow one way: graph ← compiler ← cli. The compiler stays pure (no AWS SDK, no CDK, no fs). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const LIB = join(__dirname, '..', 'lib');

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
];

describe('architecture', () => {
  it.each(rules)('lib/%s imports nothing it must not', (folder, forbidden) => {
    const offenders = sourceFiles(join(LIB, folder)).flatMap((file) =>
      importsOf(file)
        .filter((spec) => forbidden.test(spec.startsWith('.') ? `/${relative(LIB, join(file, '..', spec))}/` : spec))
        .map((spec) => `${relative(LIB, file)} imports ${spec}`),
    );

    expect(offenders).toEqual([]);
  });
});
