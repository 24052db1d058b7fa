/**
 * One source of the policies (issue 30, part 2): what the synthesized template grants each step role in
 * the data bucket is exactly what lib/access gives — the statements the local runtime enforces — once
 * CloudFormation's intrinsics are resolved. Compared call by call (effect, action, resource,
 * condition), so CDK's statement merging does not matter and nothing extra on either side passes.
 */
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { dataItemAccessOf } from '../../lib/access/data-items';
import { type IntegrationArns, taskCallStatements } from '../../lib/access/integrations';
import { pipelineInputPrefixes, simulateRoleAccess, stateMachineDataAccess, stepRolesOf } from '../../lib/access/roles';
import { provenanceRoleAccess } from '../../lib/access/run-provenance';
import { serviceCallStatements } from '../../lib/access/service-calls';
import { dataAccessStatements, multipartStatement, type StatementSpec } from '../../lib/access/statements';
import { reuseRoleAccess } from '../../lib/access/step-reuse';
import { loadCatalogue, pipelineFromGraph } from '../../lib/catalogue';
import { BuiltinFunction, OrchestraStack } from '../../lib/cdk';
import { deployedStateMachineName } from '../../lib/contract/resource-names';
import { defined } from '../../lib/shared/defined';
import { ACCOUNT, DeployedTemplate, REGION } from '../helpers/deployed-iam';

const ROOT = join(import.meta.dirname, '..', '..');
const simulated = pipelineFromGraph({ name: 'simulated', steps: { fake: { kind: 'simulate', writes: 'products/{runId}/fake.json' } } }, ROOT);
const parent = pipelineFromGraph({ name: 'parent', steps: { child: { kind: 'pipeline', pipeline: 'simulated' } } }, ROOT);
const service = pipelineFromGraph({ name: 'svc', steps: { call: { kind: 'service', url: 'https://svc.example.org/run' } } }, ROOT);
const pipelines = [...loadCatalogue(ROOT), simulated, parent, service];
const stack = new OrchestraStack(new App(), 'Lab', { pipelines, projectRoot: ROOT });
const template = new DeployedTemplate(Template.fromStack(stack), 'Lab');
const bucketArn = template.arnOf(Stack.of(stack).getLogicalId(stack.bucket.node.defaultChild as CfnElement));

interface Grant {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: unknown;
}
const list = (value: string | readonly string[]): readonly string[] => (typeof value === 'string' ? [value] : value);

/** One line per (effect, action, resource, condition) on the data bucket. */
const onDataBucket = (grants: readonly Grant[]): string[] =>
  grants
    .flatMap((grant) =>
      list(grant.Action).flatMap((action) => list(grant.Resource).map((resource) => `${grant.Effect} ${action} ${resource} ${JSON.stringify(grant.Condition ?? {})}`)),
    )
    .filter((line) => line.includes(` ${bucketArn} `) || line.includes(` ${bucketArn}/`))
    .sort();

/** A statement of lib/access as a policy document writes it. */
const grantOf = (s: StatementSpec): Grant => ({
  Effect: s.effect,
  Action: [...s.actions],
  Resource: [...s.resources],
  ...(s.conditions === undefined ? {} : { Condition: s.conditions }),
});

const deployedGrants = (role: IRole): string[] => {
  const roleId = Stack.of(stack).getLogicalId(role.node.defaultChild as CfnElement);
  return onDataBucket(template.policiesOfRole(roleId).flatMap(({ policy }) => (policy as { Statement: Grant[] }).Statement));
};

const roles = stepRolesOf(pipelines);

describe('the policies the local runtime enforces are the ones the stack deploys', () => {
  const cases = pipelines.flatMap((source) =>
    Object.entries(source.graph.steps).flatMap(([stepId, step]) => {
      const role = roles.get(source.name)?.get(stepId);
      if (role === undefined || role.kind === 'none') return [];
      const deployed = stack.pipelines[source.name];
      const iamRole = step.kind === 'container' ? deployed?.taskDefinitions[stepId]?.taskRole : step.kind === 'lambda' ? deployed?.functions[stepId]?.role : undefined;
      return iamRole === undefined ? [] : [{ name: `${source.name}/${stepId}`, role, iamRole }];
    }),
  );

  it('covers Lambda and container steps of every example pipeline', () => {
    expect(cases.length).toBeGreaterThan(10);
    expect(cases.map((c) => c.name)).toEqual(expect.arrayContaining(['flood/run-model', 'flood/validate-inputs', 'nightly-catalogue/upload-products']));
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: the template grants exactly lib/access', (_name, { role, iamRole }) => {
    const local = onDataBucket(dataAccessStatements(bucketArn, role.access).map(grantOf));
    expect(local.length).toBeGreaterThan(0);
    expect(deployedGrants(iamRole)).toEqual(local);
  });

  it("grants a state machine's role exactly what lib/access gives its Distributed Maps", () => {
    const dataItems = dataItemAccessOf(pipelines);
    const withMaps = pipelines.flatMap((source) => {
      const machine = stateMachineDataAccess(source.graph, pipelineInputPrefixes(source.graph, dataItems.get(source.name)));
      return machine === undefined ? [] : [{ source, machine }];
    });
    expect(withMaps.map(({ source }) => source.name)).toContain('nightly-catalogue');
    for (const { source, machine } of withMaps) {
      const statements = [...dataAccessStatements(bucketArn, machine.access), multipartStatement(bucketArn, machine.multipart)];
      const local = onDataBucket(statements.map(grantOf));
      const role = stack.pipelines[source.name]?.stateMachine.role;
      if (role === undefined) throw new Error(`no state machine for ${source.name}`);
      expect(deployedGrants(role)).toEqual(local);
    }
  });

  it('grants each state machine exactly what lib/access says its Tasks call (invoke, RunTask, StartExecution)', () => {
    const logicalArn = (construct: IConstruct): string => template.arnOf(Stack.of(stack).getLogicalId(construct.node.defaultChild as CfnElement));
    const simulate = stack.node.findChild('SimulateStepFunction');
    const serviceCalls = stack.node.findChild('ServiceCalls').node.findChild('Function');
    const TASK_ACTIONS = ['lambda:InvokeFunction', 'ecs:RunTask', 'states:StartExecution'];
    for (const source of pipelines) {
      const deployed = stack.pipelines[source.name];
      if (deployed === undefined) throw new Error(`no pipeline ${source.name}`);
      const ownArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${deployedStateMachineName('Lab', source.name)}`;
      const arns: IntegrationArns = {
        function: (stepId, step) => logicalArn(step.kind === 'simulate' ? simulate : step.kind === 'service' ? serviceCalls : defined(deployed.functions[stepId], stepId)),
        taskDefinition: (stepId) => logicalArn(defined(deployed.taskDefinitions[stepId], stepId)),
        stateMachine: (pipeline) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${deployedStateMachineName('Lab', pipeline)}`,
        stepReuse: logicalArn(stack.node.findChild('StepReuseFunction')),
      };
      const lines = (grants: readonly Grant[]) =>
        grants
          .flatMap((grant) => list(grant.Action).flatMap((action) => list(grant.Resource).map((resource) => `${grant.Effect} ${action} ${resource}`)))
          // A Distributed Map starts its items as child executions of its own machine: not a Task's call.
          .filter((line) => TASK_ACTIONS.some((action) => line.includes(` ${action} `)) && !line.endsWith(` states:StartExecution ${ownArn}`))
          .sort();
      const roleId = Stack.of(stack).getLogicalId(deployed.stateMachine.role.node.defaultChild as CfnElement);
      const deployedLines = lines(template.policiesOfRole(roleId).flatMap(({ policy }) => (policy as { Statement: Grant[] }).Statement));
      expect(deployedLines.length, source.name).toBeGreaterThan(0);
      expect(deployedLines, source.name).toEqual(lines(taskCallStatements(source.graph, arns).map(grantOf)));
    }
  });

  it("grants the service-call function's role exactly lib/access's service-call statements", () => {
    const calls = stack.node.findChild('ServiceCalls').node.findChild('Function');
    if (!(calls instanceof BuiltinFunction)) throw new Error('no service-call function in the stack');
    const stateMachineArn = (pipeline: string) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${deployedStateMachineName('Lab', pipeline)}`;
    const lines = (grants: readonly Grant[]) =>
      grants
        .flatMap((grant) =>
          list(grant.Action).flatMap((action) => list(grant.Resource).map((resource) => `${grant.Effect} ${action} ${resource} ${JSON.stringify(grant.Condition ?? {})}`)),
        )
        .filter((line) => line.includes(` ${bucketArn}`) || / states:SendTask/.test(line))
        .sort();
    const roleId = Stack.of(stack).getLogicalId(calls.role.node.defaultChild as CfnElement);
    const deployed = lines(template.policiesOfRole(roleId).flatMap(({ policy }) => (policy as { Statement: Grant[] }).Statement));
    expect(deployed.some((line) => line.includes('states:SendTaskSuccess'))).toBe(true);
    expect(deployed).toEqual(lines(serviceCallStatements(bucketArn, pipelines, stateMachineArn).map(grantOf)));
  });

  it("grants the step-reuse function's role exactly lib/access's step-reuse role", () => {
    const reuse = stack.node.findChild('StepReuseFunction');
    if (!(reuse instanceof BuiltinFunction)) throw new Error('no StepReuseFunction in the stack');
    const access = reuseRoleAccess(pipelines, dataItemAccessOf(pipelines));
    expect(access?.write?.length).toBeGreaterThan(0);
    expect(deployedGrants(reuse.role)).toEqual(onDataBucket(dataAccessStatements(bucketArn, access ?? {}).map(grantOf)));
  });

  it("grants the run-provenance function's role exactly lib/access's provenance role", () => {
    const provenance = stack.node.findChild('RunProvenanceFunction');
    if (!(provenance instanceof BuiltinFunction)) throw new Error('no RunProvenanceFunction in the stack');
    const access = provenanceRoleAccess(pipelines, dataItemAccessOf(pipelines));
    expect(deployedGrants(provenance.role)).toEqual(onDataBucket(dataAccessStatements(bucketArn, access).map(grantOf)));
  });

  it("grants the shared simulate function's role exactly the simulate role of lib/access", () => {
    const simulate = stack.node.findChild('SimulateStepFunction');
    if (!(simulate instanceof BuiltinFunction)) throw new Error('no SimulateStepFunction in the stack');
    const access = simulateRoleAccess(pipelines);
    expect(access.write?.length).toBeGreaterThan(0);
    const local = onDataBucket(dataAccessStatements(bucketArn, access).map(grantOf));
    expect(deployedGrants(simulate.role)).toEqual(local);
  });
});
