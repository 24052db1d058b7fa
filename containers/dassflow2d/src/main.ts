/**
 * Runs a DassFlow-2D case the way FORMATS.md says it must run: the checked case files (named by the
 * validate-inputs step) in a fresh working directory, `res/` and `msh/` cleared, stdout unbuffered, the
 * model's `( P % )` lines turned into progress lines; then the run counts only if the process exits 0
 * **and** `res/result_final.dat` has one finite row per cell with 0 ≤ h — several bad inputs exit 0
 * with nothing or garbage written. `res/` is uploaded under the step's output prefix.
 *
 * The executable is ORCHESTRA_DASSFLOW2D, else `dassflow2d` on PATH (sites build their own; upstream
 * ships no standalone program); without either, the built-in solver (./solver.ts) runs the same case
 * files and writes the same result files.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { getText, putObject } from '../../../functions/commons/s3-objects';
import { requiredVariable } from '../../../lib/contract/environment';
import { RESULT_FILE } from '../../../lib/contract/step-event';
import { parseResultFile, resultProblem } from '../../../lib/formats/dassflow2d/results';
import { createS3Client } from '../../../lib/runtime/s3-client';
import { parseJsonObject } from '../../../lib/shared/json';
import { filesUnder } from '../../../lib/shared/paths';
import { loadCase } from './load-case';
import { solve } from './solver';

export const EXECUTABLE_ENV = 'ORCHESTRA_DASSFLOW2D';

class ModelRunError extends Error {
  override readonly name = 'ModelRunError';
}

interface CheckedCase {
  readonly prefix: string;
  readonly files: readonly string[];
  readonly cells: number;
}

/** The validate-inputs step's result among the dependencies. */
function checkedCase(): CheckedCase {
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('ORCHESTRA_DEPENDENCY_') || value === undefined) continue;
    const result = parseJsonObject(value, name);
    const { prefix, files, cells } = result;
    if (typeof prefix === 'string' && Array.isArray(files) && files.every((file) => typeof file === 'string') && typeof cells === 'number') return { prefix, files, cells };
  }
  throw new ModelRunError('no dependency result names a checked case ({"prefix", "files", "cells"}): make this step depend on validate-inputs');
}

/** The real model's executable, or undefined for the built-in solver. */
function executable(): string | undefined {
  const named = process.env[EXECUTABLE_ENV];
  const candidates = named !== undefined && named !== '' ? [named] : (process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, 'dassflow2d'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  if (named !== undefined && named !== '') throw new ModelRunError(`${EXECUTABLE_ENV}=${named} is not an executable file`);
  return undefined;
}

/** The built-in solver on the case folder, as a process would run: progress lines out, res/ written. */
function runBuiltIn(cwd: string): { code: number; signal: null } {
  const output = solve(loadCase(cwd), progressReporter());
  mkdirSync(join(cwd, 'res', 'post'), { recursive: true });
  for (const [name, text] of output.files) writeFileSync(join(cwd, 'res', name), text);
  const summary = `built-in solver: ${output.steps} steps, inflow ${output.volumeIn.toFixed(0)} m3, outflow ${output.volumeOut.toFixed(0)} m3, final volume ${output.finalVolume.toFixed(0)} m3`;
  writeFileSync(join(cwd, 'stdout.log'), `${summary}\n`);
  writeFileSync(join(cwd, 'stderr.log'), '');
  console.log(summary);
  return { code: 0, signal: null };
}

/** `nt = N t = T / TS ( P % ) , dt = DT` → P. */
const PROGRESS = /\(\s*([0-9.]+)\s*%\s*\)/;

/** The model's lines → `progress N%` every 10 % (it prints every 1 %, too many lines for a run log). */
function progressReporter(): (line: string) => void {
  let lastShown = -10;
  return (line) => {
    const percent = PROGRESS.exec(line)?.[1];
    if (percent === undefined) return;
    const rounded = Math.floor(Number(percent));
    if (rounded >= lastShown + 10 || (rounded === 100 && lastShown !== 100)) {
      lastShown = rounded - (rounded % 10);
      console.log(`progress ${lastShown}%`);
    }
  };
}

function runModel(exe: string, cwd: string): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(exe, [], { cwd, env: { ...process.env, GFORTRAN_UNBUFFERED_PRECONNECTED: 'y' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const logs = { stdout: '', stderr: '' };
    const report = progressReporter();
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      logs.stdout += text;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) report(line);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      logs.stderr += chunk.toString('utf8');
      process.stderr.write(chunk);
    });
    child.on('error', (error) => reject(new ModelRunError(`cannot start ${exe}: ${error.message}`)));
    child.on('close', (code, signal) => {
      writeFileSync(join(cwd, 'stdout.log'), logs.stdout);
      writeFileSync(join(cwd, 'stderr.log'), logs.stderr);
      resolve({ code, signal });
    });
  });
}

async function main(): Promise<void> {
  const bucket = requiredVariable('ORCHESTRA_BUCKET', 'the state machine');
  const outputPrefix = requiredVariable('ORCHESTRA_OUTPUT_PREFIX', 'the state machine');
  const input = parseJsonObject(process.env['ORCHESTRA_INPUT'] ?? '{}', 'ORCHESTRA_INPUT');
  const inputBucket = typeof input['bucket'] === 'string' ? input['bucket'] : bucket;
  const theCase = checkedCase();
  const exe = executable();
  const s3 = createS3Client();
  const work = mkdtempSync(join(tmpdir(), 'dassflow2d-'));
  try {
    for (const key of theCase.files) writeFileSync(join(work, key.slice(theCase.prefix.length)), await getText(s3, inputBucket, key));
    // msh/ caches connectivity under the mesh file NAME only: a stale one crashes the model.
    for (const dir of ['res', 'msh']) rmSync(join(work, dir), { recursive: true, force: true });
    console.log(`DassFlow-2D: ${exe ?? 'the built-in solver (no executable named)'} on ${theCase.prefix} (${theCase.cells} cells)`);
    const started = Date.now();
    const { code, signal } = exe === undefined ? runBuiltIn(work) : await runModel(exe, work);
    const wallSeconds = (Date.now() - started) / 1000;
    if (code !== 0)
      throw new ModelRunError(
        `DassFlow-2D exited with ${code === null ? `signal ${signal}` : `code ${code}`}${code === 139 || signal === 'SIGSEGV' ? ' (a crash: check the mesh and the boundary files)' : ''}`,
      );
    const finalFile = join(work, 'res', 'result_final.dat');
    if (!existsSync(finalFile)) throw new ModelRunError('DassFlow-2D exited 0 but wrote no res/result_final.dat: it simulated nothing (check ts and the namelist keys)');
    const problem = resultProblem('res/result_final.dat', parseResultFile('res/result_final.dat', readFileSync(finalFile, 'utf8')), theCase.cells);
    if (problem !== undefined) throw new ModelRunError(`DassFlow-2D exited 0 but its result cannot be trusted: ${problem}`);
    const written = [...filesUnder(join(work, 'res')).map((name) => join(work, 'res', name)), join(work, 'stdout.log'), join(work, 'stderr.log')];
    for (const file of written) await putObject(s3, bucket, `${outputPrefix}${relative(work, file)}`, readFileSync(file), 'text/plain');
    const snapshots = written.map((file) => relative(work, file)).filter((name) => /^res\/result_.*\.dat$/.test(name));
    await putObject(
      s3,
      bucket,
      `${outputPrefix}${RESULT_FILE}`,
      JSON.stringify({ case: theCase.prefix, cells: theCase.cells, wallSeconds, snapshots: snapshots.map((name) => `${outputPrefix}${name}`) }, null, 2),
      'application/json',
    );
    console.log(`DassFlow-2D: done in ${wallSeconds.toFixed(2)} s, ${snapshots.length} snapshot(s)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    s3.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`run-model failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
