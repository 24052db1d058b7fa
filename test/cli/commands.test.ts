/**
 * The CLI as nouns (lib/cli/commands): each file declares its commands with typed options and loads
 * what a command does (lib/cli/actions) only when it runs, so `--help` loads no engine, SDK or CDK.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../lib/cli/main';

const COMMANDS = join(import.meta.dirname, '..', '..', 'lib', 'cli', 'commands');
const quiet = { out: () => undefined, err: () => undefined };

describe('the CLI, one file per noun', () => {
  it('command files import their actions only dynamically, when the command runs', () => {
    const staticActionImports = readdirSync(COMMANDS).flatMap((file) =>
      [...readFileSync(join(COMMANDS, file), 'utf8').matchAll(/^import (?!type )[^;]*from '(\.\.\/actions\/[^']+)'/gm)].map((match) => `${file} imports ${match[1]}`),
    );

    expect(staticActionImports).toEqual([]);
  });

  it('every command, nested ones too, inherits the program’s exit override (a usage error exits 2 from main, not 1 from commander)', () => {
    const program = buildProgram(quiet, () => undefined);
    const all = (command: typeof program): Array<typeof program> => [command, ...command.commands.flatMap((child) => all(child as typeof program))];
    const names = all(program).map((command) => command.name());

    expect(names).toEqual(expect.arrayContaining(['run', 'runs', 'logs', 'status', 'products', 'diastema', 'airflow', 'backfill']));
    for (const command of all(program)) expect(() => command.parse(['--no-such-option'], { from: 'user' }), command.name()).toThrow(CommanderError);
  });
});
