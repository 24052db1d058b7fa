/** Per-stack settings beside a built-in function's bundle: read once per bundle folder, malformed ones named. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUNDLED_CONFIG_FILE, bundledSetting } from '../../lib/contract/bundled-config';

let root: string;
const before = process.env['LAMBDA_TASK_ROOT'];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'orchestra-config-'));
  process.env['LAMBDA_TASK_ROOT'] = root;
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  if (before === undefined) delete process.env['LAMBDA_TASK_ROOT'];
  else process.env['LAMBDA_TASK_ROOT'] = before;
});

describe('bundledSetting', () => {
  it('reads a setting the stack wrote beside the bundle, and nothing it did not write', () => {
    writeFileSync(join(root, BUNDLED_CONFIG_FILE), JSON.stringify({ ORCHESTRA_KEYED_TRIGGERS: '[]', ignored: 3 }));

    expect([bundledSetting('ORCHESTRA_KEYED_TRIGGERS'), bundledSetting('ignored'), bundledSetting('toString'), bundledSetting('__proto__')]).toEqual([
      '[]',
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('has no settings without the file, or outside Lambda', () => {
    expect(bundledSetting('ORCHESTRA_KEYED_TRIGGERS')).toBeUndefined();
    delete process.env['LAMBDA_TASK_ROOT'];
    expect(bundledSetting('ORCHESTRA_KEYED_TRIGGERS')).toBeUndefined();
  });

  it.each([
    ['not JSON', '{', /orchestra-config\.json is not JSON: the stack writes it beside the bundle — deploy the function with the stack/],
    ['not an object', '[1]', /orchestra-config\.json must hold a JSON object of settings/],
  ])('fails naming the file when it is %s', (_, text, message) => {
    writeFileSync(join(root, BUNDLED_CONFIG_FILE), text);

    expect(() => bundledSetting('ORCHESTRA_KEYED_TRIGGERS')).toThrow(message);
  });
});
