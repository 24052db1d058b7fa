/** `orchestra cost <pipeline>`: what a run is expected to cost on AWS, step by step. */
import { Command } from '@commander-js/extra-typings';
import { adopt, type Cli, integerIn } from './shared';

export const costCommand = () =>
  new Command('cost')
    .description('estimate what one run of a pipeline costs on AWS (Step Functions transitions, Lambda GB-s and requests, Fargate vCPU-h and GB-h), step by step')
    .argument('<pipeline>', 'a pipeline name in state-machines/ or any graph file')
    .option('--items <count>', "items every forEach step is expected to have (default: each step's maxItems)", integerIn(1, 100_000_000))
    .option('--json', 'print the estimate as JSON');

export const registerCost = (program: Command, cli: Cli) =>
  adopt(
    program,
    costCommand().action(async (pipeline, options) => cli.exit((await import('../actions/cost')).estimateCost(pipeline, options, cli.output))),
  );
