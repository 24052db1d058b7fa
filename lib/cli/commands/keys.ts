/** `orchestra keys | backfill`: what the keyed triggers recorded for a key, and deciding again for many keys. */
import { Command } from '@commander-js/extra-typings';
import { adopt, type Cli, numberIn, remoteOptions } from './shared';

export const keysCommand = () =>
  remoteOptions(
    new Command('keys')
      .description('what the keyed triggers recorded for a key (e.g. an observation id): per pipeline, types arrived, types missing, runs started')
      .argument('<key>', 'the key, e.g. obs-001234'),
  );

export const backfillCommand = () =>
  remoteOptions(
    new Command('backfill')
      .description('decide again for keys of keyed pipelines, through the conductor (nothing starts twice; "reprocess": "manual" pipelines run again), rate limited, with progress')
      .option('--keys <keys>', 'comma-separated keys, or @file with one key per line')
      .option('--prefix <prefix>', 'every key with a data item under this prefix, e.g. data/EclTmVhfAlert/')
      .option('--pipelines <names>', 'only these keyed pipelines (comma-separated)')
      .option('--rate <perSecond>', 'decisions per second (default 20; Step Functions refills StartExecution at 300/s)', numberIn(0.1, 300))
      .option('--no-wait', 'return once the backfill is planned'),
  );

export function registerKeys(program: Command, cli: Cli): void {
  adopt(
    program,
    keysCommand().action(async (key, options) => cli.exit(await (await import('../actions/remote-runs')).describeKey(key, options, cli.output))),
  );
  adopt(
    program,
    backfillCommand().action(async (options) => cli.exit(await (await import('../actions/remote-runs')).backfill(options, cli.output))),
  );
}
