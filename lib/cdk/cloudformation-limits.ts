/**
 * CloudFormation's limits, checked when the app synthesizes rather than discovered when CloudFormation
 * refuses the deploy: at most 500 resources per stack (a stack of this repository's pipelines reaches
 * it with about 50 more product pipelines), a template of at most 1 MB (through S3, as CDK uploads it),
 * at most 200 outputs. Each finding names the stack, the count, the pipelines that take the most, and
 * the fix: split the pipelines across stacks. The resource count is a construct validation (it runs
 * before CDK's own check, which says neither which pipelines nor what to do); the template's size and
 * outputs are read from the synthesized template by a validation plugin.
 */
import { readFileSync } from 'node:fs';
import {
  CfnResource,
  type IPolicyValidationContextBeta1,
  type IPolicyValidationPluginBeta1,
  type PolicyValidationPluginReportBeta1,
  type PolicyViolationBeta1,
  Stack,
} from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { isJsonRecord } from '../shared/json';

export const MAX_STACK_RESOURCES = 500;
export const MAX_TEMPLATE_BYTES = 1_000_000;
export const MAX_STACK_OUTPUTS = 200;

const SPLIT = 'split the pipelines across two stacks: two OrchestraStack in the app, each given part of loadCatalogue(root) (and its own stack name)';

/** The stack's resources, counted by the pipeline construct holding them (its id under the stack). */
export function resourceCountProblem(stack: Stack, pipelineOf: (construct: IConstruct) => string | undefined): string | undefined {
  const resources = stack.node.findAll().filter((construct) => CfnResource.isCfnResource(construct) && Stack.of(construct) === stack);
  if (resources.length <= MAX_STACK_RESOURCES) return undefined;
  const counts = new Map<string, number>();
  for (const resource of resources) {
    const pipeline = pipelineOf(resource);
    if (pipeline !== undefined) counts.set(pipeline, (counts.get(pipeline) ?? 0) + 1);
  }
  const largest = [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
  return `${resources.length} resources, over CloudFormation's ${MAX_STACK_RESOURCES} per stack (${counts.size} pipelines; the largest: ${largest}) — ${SPLIT}`;
}

/** Resources per pipeline, from the logical ids the Pipeline construct gives (`Pipeline<name>…`), largest first. */
function largestPipelines(resourceIds: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const id of resourceIds) {
    const match = /^Pipeline([A-Za-z0-9]+?)(?:StateMachine|[A-Z])/.exec(id);
    if (match?.[1] !== undefined) counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
}

export class CloudFormationLimits implements IPolicyValidationPluginBeta1 {
  readonly name = 'Orchestra CloudFormation limits';
  readonly ruleIds = ['stack-resources', 'template-size', 'stack-outputs'];

  validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const violations: PolicyViolationBeta1[] = [];
    for (const templatePath of context.templatePaths) {
      const text = readFileSync(templatePath, 'utf8');
      const template: unknown = JSON.parse(text);
      const resources = isJsonRecord(template) && isJsonRecord(template['Resources']) ? Object.keys(template['Resources']) : [];
      const outputs = isJsonRecord(template) && isJsonRecord(template['Outputs']) ? Object.keys(template['Outputs']) : [];
      const bytes = Buffer.byteLength(text);
      const at = (ids: readonly string[]) => ids.slice(0, 1).map((resourceLogicalId) => ({ resourceLogicalId, templatePath, locations: ['Resources'] }));
      if (resources.length > MAX_STACK_RESOURCES) {
        const largest = largestPipelines(resources);
        violations.push({
          ruleName: 'stack-resources',
          description: `${resources.length} resources, over CloudFormation's ${MAX_STACK_RESOURCES} per stack${largest === '' ? '' : ` (the largest pipelines: ${largest})`}`,
          fix: SPLIT,
          violatingResources: at(resources),
        });
      }
      if (bytes > MAX_TEMPLATE_BYTES)
        violations.push({
          ruleName: 'template-size',
          description: `the template is ${bytes} bytes, over CloudFormation's ${MAX_TEMPLATE_BYTES}`,
          fix: SPLIT,
          violatingResources: at(resources),
        });
      if (outputs.length > MAX_STACK_OUTPUTS)
        violations.push({
          ruleName: 'stack-outputs',
          description: `${outputs.length} outputs, over CloudFormation's ${MAX_STACK_OUTPUTS}`,
          fix: SPLIT,
          violatingResources: at(resources),
        });
    }
    return { success: violations.length === 0, violations };
  }
}
