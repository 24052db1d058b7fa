/**
 * Docker is not on CI machines, so the container images are never built here. This checks what a
 * build would need: every project file the entry point's bundle reads is copied by the Dockerfile.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** Source folders or files the build stage copies (`COPY <src> <dest>`, from the project root). */
const copiedPaths = (dockerfile: string): string[] =>
  [...readFileSync(dockerfile, 'utf8').matchAll(/^COPY\s+(?!--from)(\S+)\s+\S+\s*$/gm)].map((m) => (m[1] ?? '').replace(/\/$/, ''));

describe.each(['dassflow2d'])('the %s Dockerfile', (container) => {
  it('copies every project file its bundle needs', async () => {
    const result = await build({
      entryPoints: [join(ROOT, `containers/${container}/src/main.ts`)],
      bundle: true,
      platform: 'node',
      write: false,
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: ROOT,
    });
    const projectInputs = Object.keys(result.metafile.inputs).filter((path) => !path.startsWith('node_modules/'));
    const copied = copiedPaths(join(ROOT, `containers/${container}/Dockerfile`));

    const missing = projectInputs.filter((path) => !copied.some((source) => path === source || path.startsWith(`${source}/`)));

    expect(projectInputs.length).toBeGreaterThan(3);
    expect(missing).toEqual([]);
  });
});
