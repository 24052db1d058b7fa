/** `orchestra init`: a lab's own project, depending on Orchestra by the spec it was made from. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../lib/catalogue';
import { orchestraSpecOf, packageNameOf } from '../../lib/cli/actions/init';
import { orchestraVersion } from '../../lib/shared/package-root';
import { cli } from '../helpers/cli';

let work: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'orchestra-init-'));
});

afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('the Orchestra dependency a new project gets', () => {
  it.each([
    [undefined, '^1.2.3'],
    ['orchestra', '^1.2.3'],
    ['orchestra@2.0.0', '2.0.0'],
    ['orchestra@^2', '^2'],
    ['./orchestra-1.2.3.tgz', 'file:/labs/orchestra-1.2.3.tgz'],
    ['file:../dist/orchestra.tgz', 'file:/dist/orchestra.tgz'],
    ['/abs/orchestra.tgz', 'file:/abs/orchestra.tgz'],
    ['git+https://example.org/orchestra.git', 'git+https://example.org/orchestra.git'],
  ])('from %s is %s', (given, spec) => {
    expect(orchestraSpecOf(given, '1.2.3', '/labs')).toBe(spec);
  });

  it('names the package after the folder, as npm allows', () => {
    expect([packageNameOf('/x/Hydro Lab'), packageNameOf('/x/.hidden'), packageNameOf('/x/__proto__'), packageNameOf('/x/___')]).toEqual([
      'hydro-lab',
      'hidden',
      'proto__',
      'pipelines',
    ]);
  });
});

describe('orchestra init', () => {
  it('writes the project: an example pipeline compiled beside its graph, its handler, container, test, CDK app and README', async () => {
    const { code, stderr } = await cli('init', join(work, 'Hydro Lab'), '--orchestra', '/tarballs/orchestra-0.1.0.tgz');
    const lab = join(work, 'Hydro Lab');
    const manifest: unknown = JSON.parse(readFileSync(join(lab, 'package.json'), 'utf8'));

    expect(code).toBe(0);
    expect(stderr).toContain('npx orchestra run hello --input examples/sample');
    expect(manifest).toMatchObject({
      name: 'hydro-lab',
      type: 'module',
      dependencies: { orchestra: 'file:/tarballs/orchestra-0.1.0.tgz' },
      devDependencies: { node: expect.stringMatching(/^24\./), 'aws-cdk-lib': expect.any(String), constructs: expect.any(String), 'aws-cdk': expect.any(String) },
    });
    for (const file of [
      '.gitignore',
      '.dockerignore',
      'cdk.json',
      'bin/app.ts',
      'functions/list-inputs/index.ts',
      'containers/count-words/main.ts',
      'containers/count-words/Dockerfile',
      'test/list-inputs.test.ts',
      'README.md',
    ]) {
      expect(existsSync(join(lab, file)), file).toBe(true);
    }
    expect(readFileSync(join(lab, 'bin', 'app.ts'), 'utf8')).toContain("'HydroLab'");
    expect(readFileSync(join(lab, 'README.md'), 'utf8')).toMatch(/^# hydro-lab\n/);
    expect(loadCatalogue(lab).map((pipeline) => [pipeline.name, pipeline.definitionSource])).toEqual([['hello', 'committed']]);
  });

  it('prints the version a project depends on with --version', async () => {
    const { code, stdout } = await cli('--version');

    expect([code, stdout.trim()]).toEqual([0, orchestraVersion()]);
  });

  it('depends on this version by default', async () => {
    await cli('init', join(work, 'lab'));

    expect(readFileSync(join(work, 'lab', 'package.json'), 'utf8')).toContain(`"orchestra": "^${orchestraVersion()}"`);
  });

  it('refuses a folder that is not empty, and a file, touching nothing', async () => {
    mkdirSync(join(work, 'used'));
    writeFileSync(join(work, 'used', 'notes.txt'), 'mine');
    writeFileSync(join(work, 'file'), 'x');

    const [used, file] = [await cli('init', join(work, 'used')), await cli('init', join(work, 'file'))];

    expect([used.code, file.code]).toEqual([2, 2]);
    expect(used.stderr).toBe(`error: ${join(work, 'used')} is not empty — name a new folder, e.g. \`orchestra init my-pipelines\``);
    expect(file.stderr).toContain('is a file');
    expect(readFileSync(join(work, 'used', 'notes.txt'), 'utf8')).toBe('mine');
  });
});
