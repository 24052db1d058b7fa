/**
 * `npm run smoke:local`: uploads the flood example to the deployed stack's ingest prefix, follows the
 * execution the upload starts through @aws-sdk/client-sfn, and lists the outputs. Targets LocalStack
 * (AWS_ENDPOINT_URL, default http://localhost:4566) or, with `--endpoint aws`, the account in the
 * environment. Exit code 0 only when the run succeeded.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { loadPipeline } from '../lib/catalogue';
import { runPrefixFor } from '../lib/contract/step-event';
import { DeployedStack, DeployedStackError } from '../lib/deployed/deployed-stack';
import { ingestTriggerOf } from '../lib/runtime/ingest';

const ROOT = join(import.meta.dirname, '..');

async function smoke(options: { endpoint: string; stack: string; input: string; timeout: string }): Promise<number> {
  const pipeline = loadPipeline(join(ROOT, 'state-machines', 'flood.graph.json'));
  const trigger = ingestTriggerOf(pipeline.name, pipeline.graph.trigger);
  if (trigger === undefined) throw new Error('flood.graph.json has no ingest prefix');
  const stack = await DeployedStack.connect({ endpoint: options.endpoint, stackName: options.stack });
  try {
    const dataset = `${trigger.ingestPrefix}smoke-${new Date()
      .toISOString()
      .replace(/[-:.TZ]/g, '')
      .slice(0, 14)}/`;
    const files = readdirSync(options.input)
      .sort()
      .map((name) => [name, readFileSync(join(options.input, name))] as const);
    console.log(`Uploading ${files.length} files to s3://${stack.bucket}/${dataset} (${stack.endpointLabel})`);
    const executionArn = await stack.uploadDataset(trigger, dataset, files);
    console.log(`Waiting for ${executionArn}`);
    const run = await stack.waitForRun(executionArn, {
      timeoutMs: Number(options.timeout) * 1000,
      onProgress: (status) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${status}`),
    });
    for (const [step, outcome] of Object.entries(run.steps)) {
      console.log(`  ${step.padEnd(24)} ${outcome.status} after ${outcome.attempts} attempt(s)${outcome.error === undefined ? '' : `: ${outcome.error} ${outcome.cause ?? ''}`}`);
    }
    console.log(`Run ${run.runId}: ${run.status}`);
    const outputs = await stack.listKeys(runPrefixFor(pipeline.name, run.runId));
    console.log(`Outputs (${outputs.length}):`);
    for (const key of outputs) console.log(`  s3://${stack.bucket}/${key}`);
    return run.status === 'SUCCEEDED' ? 0 : 1;
  } finally {
    stack.close();
  }
}

const program = new Command('smoke')
  .description('Upload the flood example to a deployed Orchestra stack and follow the run')
  .option('--endpoint <url>', 'LocalStack URL, or "aws" for the account in the environment', process.env['AWS_ENDPOINT_URL'] ?? 'http://localhost:4566')
  .option('--stack <name>', 'stack name', 'Orchestra')
  .option('--input <dir>', 'dataset folder', join(ROOT, 'examples', 'flood', 'valley'))
  .option('--timeout <seconds>', 'how long to wait for the run', '900')
  .action(async (options: { endpoint: string; stack: string; input: string; timeout: string }) => {
    try {
      process.exitCode = await smoke(options);
    } catch (error) {
      if (!(error instanceof DeployedStackError)) throw error;
      console.error(`smoke: ${error.message}`);
      process.exitCode = 2;
    }
  });
void program.parseAsync();
