import aslValidator from 'asl-validator';
import type { CompiledPipeline } from '../../lib/compiler';
import { substitute } from '../../lib/contract/placeholders';

/** Fake but well-formed values for every placeholder, as CDK would substitute them. */
export function fakeSubstitutions(compiled: CompiledPipeline): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of compiled.placeholders) {
    if (name.startsWith('LambdaFunctionArn_') || name === 'SimulateFunctionArn' || name === 'StepReuseFunctionArn')
      values[name] = `arn:aws:lambda:eu-west-1:123456789012:function:${name.split('_')[1] ?? 'simulate'}`;
    else if (name.startsWith('TaskDefinitionArn_')) values[name] = `arn:aws:ecs:eu-west-1:123456789012:task-definition/${name.split('_')[1]}:1`;
    else if (name === 'EcsClusterArn') values[name] = 'arn:aws:ecs:eu-west-1:123456789012:cluster/orchestra';
    else if (name.startsWith('CodeIdentity_')) values[name] = 'image asset 0123456789abcdef';
    else values[name] = name === 'DataBucketName' ? 'orchestra-data' : 'subnet-1,subnet-2';
  }
  return values;
}

export function aslErrors(compiled: CompiledPipeline): string[] {
  const definition = JSON.parse(substitute(compiled.text, fakeSubstitutions(compiled))) as object;
  const result = aslValidator(definition);
  return result.isValid ? [] : result.errors.map((e) => JSON.stringify(e));
}
