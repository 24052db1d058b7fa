/**
 * `cdk synth` through the pinned CLI (package.json: aws-cdk with aws-cdk-lib), offline: the CLI must be
 * able to read the cloud assembly this aws-cdk-lib writes, bundling uses the local esbuild, and the
 * cdk-nag checks in bin/app.ts pass.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

const synth = (cli: 'cdk' | 'cdklocal', out: string) =>
  spawnSync(join(ROOT, 'node_modules', '.bin', cli), ['synth', '--quiet', '--no-notices', '--output', out], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true', CI: 'true' },
    timeout: 120_000,
  });

describe('cdk synth (CLI)', () => {
  const out = mkdtempSync(join(tmpdir(), 'orchestra-synth-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('synthesizes the Orchestra stack offline with the cdk-nag checks passing', () => {
    const result = synth('cdk', out);

    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
    const template = JSON.parse(readFileSync(join(out, 'Orchestra.template.json'), 'utf8')) as { Resources: Record<string, { Type: string }> };
    expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine')).toHaveLength(2);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  });

  it('works through cdklocal too (aws-cdk-local loads the pinned aws-cdk CLI, as npm run deploy:local does)', () => {
    const localOut = join(out, 'local');
    const result = synth('cdklocal', localOut);

    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(existsSync(join(localOut, 'Orchestra.template.json'))).toBe(true);
  });
});
