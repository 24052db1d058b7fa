/** `orchestra invoke`: one step alone, with the event its graph gives it; bad --event files refused with the fix. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli';

let dir: string;
const eventFile = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchestra-invoke-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('orchestra invoke', () => {
  it('prints the result of a step run with the dependency results given, its lines on stderr', async () => {
    const event = eventFile('ok.json', JSON.stringify({ dependencies: { 'run-model': null, 'df2d-to-raster': null }, runId: 'try-1' }));

    const { code, stdout, stderr } = await cli('invoke', 'flood', 'publish-manifest', '--event', event);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ manifest: 'runs/flood/try-1/publish-manifest/manifest.json', files: 0 });
    expect(stderr).toContain('"message":"manifest published"');
    expect(stderr).toContain('wrote 1 object(s) under its output prefix: manifest.json');
  });

  it('warns which dependency results are missing, and reports the step failure with its error name (exit 1)', async () => {
    const { code, stderr } = await cli('invoke', 'flood', 'df2d-to-raster');

    expect(code).toBe(1);
    expect(stderr).toContain(
      'warning: no result given for validate-inputs, run-model (the step gets null): pass {"dependencies": {"validate-inputs": …, "run-model": …}} in --event',
    );
    expect(stderr).toContain('flood/df2d-to-raster failed: Orchestra.Permanent: this step depends on validate-inputs');
  });

  it.each([
    ['not JSON', '{', /--event .*bad\.json: not JSON/],
    ['an array', '[]', /expected a JSON object with any of input, dependencies, item, itemIndex, runId/],
    ['a field the graph decides', '{"pipeline": "other"}', /"pipeline" cannot be set — only input, dependencies, item, itemIndex, runId \(the rest comes from the graph\)/],
    ['a prototype-named field', '{"__proto__": {"x": 1}}', /"__proto__" cannot be set/],
    ['dependencies that are not an object', '{"dependencies": [1]}', /dependencies must be a JSON object/],
    ['a run id with a path in it', '{"runId": "../../etc"}', /runId must be 1 to 80 letters, digits, "-" or "_"/],
  ])('refuses an --event file that is %s (exit 2), running nothing', async (_, text, message) => {
    const { code, stderr } = await cli('invoke', 'flood', 'publish-manifest', '--event', eventFile('bad.json', text));

    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('names the steps there are for an unknown step, including one named like an Object.prototype property', async () => {
    const { code, stderr } = await cli('invoke', 'flood', 'toString');

    expect(code).toBe(2);
    expect(stderr).toBe('error: pipeline "flood" has no step "toString" — its steps: validate-inputs, run-model, df2d-to-raster, publish-manifest');
  });
});
