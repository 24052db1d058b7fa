/** The local endpoints' key pair: one secret per data folder, kept, readable by its owner only, remade when damaged. */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localCredentialsOf } from '../../lib/runtime/local-endpoints';

describe('localCredentialsOf', () => {
  it('makes a secret for a new data folder, keeps it, and lets its owner only read it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-credentials-'));

    const first = localCredentialsOf(dir);

    expect(first).toEqual({ accessKeyId: 'S3RVER', secretAccessKey: expect.stringMatching(/^[A-Za-z0-9]{40}$/) });
    expect(localCredentialsOf(dir)).toEqual(first);
    expect(localCredentialsOf(mkdtempSync(join(tmpdir(), 'orchestra-credentials-'))).secretAccessKey).not.toBe(first.secretAccessKey);
    expect(statSync(join(dir, 'credentials.json')).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not JSON', '{'],
    ['the published secret', '{"accessKeyId": "S3RVER", "secretAccessKey": "S3RVER"}'],
    ['a prototype-named field', '{"__proto__": {"secretAccessKey": "x"}}'],
  ])('makes a new secret when the file holds %s (not JSON crashed the start)', (_, text) => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-credentials-'));
    writeFileSync(join(dir, 'credentials.json'), text);

    const made = localCredentialsOf(dir);

    expect(made.secretAccessKey).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(JSON.parse(readFileSync(join(dir, 'credentials.json'), 'utf8'))).toEqual(made);
  });
});
