/** Local handlers load from the bundle the stack would ship, again when their code changes; a handler that cannot load fails as permanent. */
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERRORS } from '../../lib/contract/errors';
import { HandlerModules, type HandlerReload } from '../../lib/local/engine/handler-modules';
import { lambdaContext } from '../../lib/local/task-runners/lambda';
import { type TempProject, tempProject } from '../helpers/project';

let lab: TempProject;
let project: string;
const context: Context = lambdaContext({ functionName: 'f', requestId: 'r', timeoutSeconds: 5, memoryMiB: 128 });
const save = (path: string, text: string, secondsLater = 0): string => lab.write(path, text, secondsLater);

beforeEach(() => {
  lab = tempProject('handlers');
  project = lab.dir;
});

afterEach(() => lab.remove());

describe('HandlerModules', () => {
  it('calls a TypeScript handler from its bundle, with what it imports from the project bundled in', async () => {
    save('functions/greet/words.ts', "export const greeting = (name: string): string => 'hello ' + name;\n");
    const entry = save(
      'functions/greet/index.ts',
      "import { greeting } from './words';\nexport const handler = async (event: { name: string }) => ({ text: greeting(event.name) });\n",
    );

    const handler = await new HandlerModules().load(entry, project);

    await expect(handler({ name: 'lab' }, context)).resolves.toEqual({ text: 'hello lab' });
  });

  it('loads the new code after the handler, or a module it imports, is saved, and says so; unchanged code is not bundled again', async () => {
    const words = save('functions/greet/words.ts', "export const greeting = 'hello';\n");
    const entry = save('functions/greet/index.ts', "import { greeting } from './words';\nexport const handler = async () => greeting;\n");
    const reloads: HandlerReload[] = [];
    const modules = new HandlerModules((reload) => reloads.push(reload));

    const first = await modules.load(entry, project);
    const again = await modules.load(entry, project);
    save('functions/greet/words.ts', "export const greeting = 'bonjour';\n", 2);
    const edited = await modules.load(entry, project);

    expect(again).toBe(first);
    await expect(edited(undefined, context)).resolves.toBe('bonjour');
    expect(reloads).toEqual([{ entry, hash: expect.stringMatching(/^[0-9a-f]{12}$/) }]);
    expect(words).toContain('words.ts');
  });

  it.each([
    ['a syntax error', 'export const handler = async () => {', /functions\/bad\/index\.ts does not bundle: .*Unexpected end of file/s],
    ['a missing module', "import { nothing } from './nowhere';\nexport const handler = async () => nothing;\n", /does not bundle: .*Could not resolve "\.\/nowhere"/s],
    ['a throw at import', "throw new Error('no configuration');\nexport const handler = async () => 1;\n", /functions\/bad\/index\.ts failed to load: no configuration/],
    ['no handler export', 'export const main = async () => 1;\n', /does not export a "handler" function — export one/],
  ])('fails as %s with Orchestra.Permanent (never retried) naming the file', async (_, text, message) => {
    const entry = save('functions/bad/index.ts', text);

    const failure = new HandlerModules().load(entry, project);

    await expect(failure).rejects.toMatchObject({ name: ERRORS.permanent, message: expect.stringMatching(message) });
  });

  it('recovers once the broken handler is fixed', async () => {
    const entry = save('functions/bad/index.ts', 'export const handler = async () => {');
    const modules = new HandlerModules();
    await expect(modules.load(entry, project)).rejects.toMatchObject({ name: ERRORS.permanent });

    save('functions/bad/index.ts', 'export const handler = async () => "fixed";\n', 2);

    await expect((await modules.load(entry, project))(undefined, context)).resolves.toBe('fixed');
  });
});
