/**
 * `orchestra console --stack <name> | --api <url>`: the web console against a deployed stack, served on
 * 127.0.0.1 with the API calls signed here (lib/cli/console-server.ts). Locally, `orchestra up`
 * serves the console itself.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../shared/errors';
import { ORCHESTRA_ROOT } from '../../shared/package-root';
import type { consoleCommand } from '../commands/servers';
import type { OptionsOf } from '../commands/shared';
import { serveConsole } from '../console-server';
import { EXIT_OK } from '../exit-codes';
import type { Output } from '../output';
import { DEFAULT_CONSOLE_PORT } from '../ports';
import { RunsApiClient } from '../runs-api-client';

/** The web console: built by `npm run build:console` (part of `npm ci` here), shipped built in the package. */
export const CONSOLE_DIR = join(ORCHESTRA_ROOT, 'console', 'dist');

export type ConsoleOptions = OptionsOf<typeof consoleCommand> & {
  /** Stops the server when it settles (tests); @default Ctrl-C */
  readonly until?: Promise<void>;
  /** Called with the console's URL once it listens (tests). */
  readonly onListening?: (url: string) => void;
};

export async function serveConsoleCommand(options: ConsoleOptions, output: Output, consoleDir = CONSOLE_DIR): Promise<number> {
  if (options.api === undefined && options.stack === undefined)
    throw new UsageError(
      'orchestra console needs --stack <name> or --api <url> of a deployed runs API — `orchestra up` serves the local console itself (its address is printed at start)',
    );
  if (!existsSync(join(consoleDir, 'index.html'))) throw new UsageError(`the console is not built (${consoleDir}): run npm run build:console (npm ci does it)`);
  const stopRequested =
    options.until ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  const client = await RunsApiClient.connect(options, process.cwd());
  const server = await serveConsole({
    client,
    consoleDir,
    port: options.port ?? DEFAULT_CONSOLE_PORT,
    onError: (error) => output.err(`console: ${error instanceof Error ? error.message : String(error)}`),
  });
  try {
    output.out(`Console  ${server.url}/   (runs API ${client.baseUrl}; requests signed here, none from the browser) — Ctrl-C to stop`);
    options.onListening?.(server.url);
    await stopRequested;
  } finally {
    await server.close();
  }
  return EXIT_OK;
}
