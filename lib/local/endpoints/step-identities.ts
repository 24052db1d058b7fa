/**
 * Who is calling, for every call a step makes to the embedded endpoints: each step role gets its own
 * key pair, as each Lambda function and ECS task gets its role's credentials on AWS. A step's
 * in-process handler reads them from its invocation's environment (lib/contract/environment.ts), a
 * container process from its own environment; the endpoints verify the signature, map the key to the
 * role and evaluate the call against the statements the stack deploys for that role (lib/access),
 * decisions cached per role, action and resource.
 */
import { randomBytes } from 'node:crypto';
import { dataItemAccessOf } from '../../access/data-items';
import { accessDeniedMessage, type DeniedCaller } from '../../access/denial';
import { type AuthorizationRequest, type Decision, evaluate } from '../../access/evaluate';
import { reuseCallOf, taskCallOf, taskCallStatements } from '../../access/integrations';
import { pipelineInputPrefixes, stateMachineDataAccess, stepRolesOf } from '../../access/roles';
import { bucketArn, type S3Request, s3AuthorizationOf } from '../../access/s3-requests';
import { serviceCallStatements } from '../../access/service-calls';
import { type DataAccess, dataAccessStatements, multipartStatement, type StatementSpec } from '../../access/statements';
import { reuseRoleAccess } from '../../access/step-reuse';
import type { PipelineSource } from '../../catalogue';
import { type LocalCredentials, newSecretAccessKey } from '../../runtime/local-endpoints';
import { LOCAL_ACCOUNT, localIntegrationArns, localStateMachineArn } from '../engine/bindings';

const STATE_MACHINE_ROLE = 'state machine';
const SERVICE_CALL_ROLE = 'service-call';
const STEP_REUSE_ROLE = 'step-reuse';

/** What a pipeline's state machine role may call to run its Tasks, and what each Task calls. */
interface TaskCalls {
  readonly caller: DeniedCaller;
  readonly statements: readonly StatementSpec[];
  readonly calls: ReadonlyMap<string, AuthorizationRequest>;
  /** The call of the states around a reused step. */
  readonly reuseCall: AuthorizationRequest;
}

/** How Step Functions names a service integration's refusal: `<Service>.<Exception>`. */
const DENIED_ERROR: Readonly<Record<string, string>> = {
  'lambda:InvokeFunction': 'Lambda.AccessDeniedException',
  'ecs:RunTask': 'ECS.AccessDeniedException',
  'states:StartExecution': 'StepFunctions.AccessDeniedException',
};

/** A Task the state machine's role may not run, as Step Functions fails it. */
export class TaskCallDeniedError extends Error {
  constructor(action: string, message: string) {
    super(message);
    this.name = DENIED_ERROR[action] ?? 'States.TaskFailed';
  }
}

interface LocalRole {
  readonly caller: DeniedCaller;
  readonly statements: readonly StatementSpec[];
  readonly credentials: LocalCredentials;
  readonly decisions: Map<string, Decision>;
}

/** Like an STS session's: ASIA and 16 upper-case letters and digits (hex here), and a secret. */
const newCredentials = (): LocalCredentials => ({ accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: newSecretAccessKey() });

/** IAM role names hold at most 64 characters; the session is the role's owner, as Lambda names it after the function. */
const principalArnOf = (name: string): string => `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${`orchestra-${name}`.slice(0, 64)}/${name.slice(0, 64)}`;

const requestKey = (request: AuthorizationRequest): string => `${request.action}\n${request.resource}\n${JSON.stringify(request.context ?? {})}`;

/** A step's `inputs` with the prefixes they are under, for its denials' fix. */
function inputsOf(pipelines: readonly PipelineSource[], pipeline: string, stepId: string, access: DataAccess) {
  const step = pipelines.find((source) => source.name === pipeline)?.graph.steps[stepId];
  const patterns = step !== undefined && 'inputs' in step ? step.inputs : undefined;
  return patterns === undefined ? {} : { inputs: { prefixes: access.list ?? [], patterns } };
}

export class StepIdentities {
  /** By `<pipeline>\n<step>`, a shared role's name (simulate, service-call), or `state machine\n<pipeline>`. */
  private readonly roles = new Map<string, LocalRole>();
  private readonly byAccessKey = new Map<string, LocalRole>();
  private readonly stepRoleKeys = new Map<string, string>();
  private readonly taskCalls = new Map<string, TaskCalls>();

  constructor(private readonly bucket: string) {}

  /** Makes (or keeps) a role per step and per state machine of these pipelines, with the statements the stack would deploy for them together. */
  update(pipelines: readonly PipelineSource[]): void {
    const graphFiles = new Map(pipelines.map((source) => [source.name, source.graphFile]));
    const arn = bucketArn(this.bucket);
    const dataItems = dataItemAccessOf(pipelines);
    this.stepRoleKeys.clear();
    for (const [pipeline, steps] of stepRolesOf(pipelines, dataItems)) {
      for (const [stepId, role] of steps) {
        if (role.kind === 'none') continue;
        const roleKey = role.kind === 'simulate' ? role.name : `${pipeline}\n${stepId}`;
        this.stepRoleKeys.set(`${pipeline}\n${stepId}`, roleKey);
        const caller =
          role.kind === 'own'
            ? { step: { pipeline, stepId, graphFile: graphFiles.get(pipeline) ?? '<memory>', ...inputsOf(pipelines, pipeline, stepId, role.access) } }
            : { grants: 'the shared simulate role may write only where simulate steps\' "writes" point' };
        this.define(roleKey, role.name, dataAccessStatements(arn, role.access), caller);
      }
    }
    // Every service step's code is Orchestra's one service-call function, with its one role.
    const serviceSteps = pipelines.flatMap((source) =>
      Object.entries(source.graph.steps).flatMap(([stepId, step]) => (step.kind === 'service' ? [`${source.name}\n${stepId}`] : [])),
    );
    if (serviceSteps.length > 0) {
      this.define(SERVICE_CALL_ROLE, SERVICE_CALL_ROLE, serviceCallStatements(arn, pipelines, localStateMachineArn), {
        grants: "the service-call function may record and answer waits under waits/ and list awaited data items' folders",
      });
      for (const key of serviceSteps) this.stepRoleKeys.set(key, SERVICE_CALL_ROLE);
    }
    const reuseAccess = reuseRoleAccess(pipelines, dataItems);
    if (reuseAccess !== undefined)
      this.define(STEP_REUSE_ROLE, STEP_REUSE_ROLE, dataAccessStatements(arn, reuseAccess), {
        grants: "the step-reuse function may read what reused steps read, keep its records under reuse/<pipeline>/ and copy reused outputs into a run's step folders",
      });
    for (const source of pipelines) {
      const arns = localIntegrationArns(source.name);
      const name = `${source.name}-state-machine`;
      this.taskCalls.set(source.name, {
        caller: { principalArn: principalArnOf(name), grants: 'a state machine may call what its Tasks call (lib/access/integrations.ts)' },
        statements: taskCallStatements(source.graph, arns),
        calls: new Map(Object.entries(source.graph.steps).map(([stepId, step]) => [stepId, taskCallOf(stepId, step, arns)])),
        reuseCall: reuseCallOf(arns),
      });
      const machine = stateMachineDataAccess(source.graph, pipelineInputPrefixes(source.graph, dataItems.get(source.name)));
      if (machine === undefined) continue;
      this.define(`${STATE_MACHINE_ROLE}\n${source.name}`, name, [...dataAccessStatements(arn, machine.access), multipartStatement(arn, machine.multipart)], {
        grants: "a Distributed Map reads its items from the pipeline's inputs and runs and writes its results under its step's results/",
      });
    }
  }

  private define(roleKey: string, name: string, statements: readonly StatementSpec[], caller: Omit<DeniedCaller, 'principalArn'>): void {
    const credentials = this.roles.get(roleKey)?.credentials ?? newCredentials();
    const local: LocalRole = {
      caller: { principalArn: principalArnOf(name), ...caller },
      statements,
      credentials,
      decisions: new Map(),
    };
    this.roles.set(roleKey, local);
    this.byAccessKey.set(credentials.accessKeyId, local);
  }

  /** Fails a Task its state machine's role may not run (invoke, RunTask, StartExecution), as Step Functions would. */
  checkTaskCall(pipeline: string, stepId: string): void {
    const machine = this.taskCalls.get(pipeline);
    const call = machine?.calls.get(stepId);
    if (machine === undefined || call === undefined) return;
    const decision = evaluate(machine.statements, call);
    if (decision !== 'Allowed') throw new TaskCallDeniedError(call.action, accessDeniedMessage(machine.caller, call, decision === 'ExplicitlyDenied'));
  }

  /** Fails a reuse check or save its state machine's role may not invoke, as Step Functions would. */
  checkReuseCall(pipeline: string): void {
    const machine = this.taskCalls.get(pipeline);
    if (machine === undefined) return;
    const decision = evaluate(machine.statements, machine.reuseCall);
    if (decision !== 'Allowed') throw new TaskCallDeniedError(machine.reuseCall.action, accessDeniedMessage(machine.caller, machine.reuseCall, decision === 'ExplicitlyDenied'));
  }

  /** The environment that makes the step-reuse function's SDK calls its role's. */
  reuseEnvironment(): Readonly<Record<string, string>> {
    const role = this.roles.get(STEP_REUSE_ROLE);
    return role === undefined ? {} : { AWS_ACCESS_KEY_ID: role.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: role.credentials.secretAccessKey };
  }

  /** The key pair of a pipeline's state machine role, when it makes S3 calls of its own (Distributed Maps). */
  stateMachineCredentials(pipeline: string): LocalCredentials | undefined {
    return this.roles.get(`${STATE_MACHINE_ROLE}\n${pipeline}`)?.credentials;
  }

  /** The environment that makes a step's SDK calls its role's: its own key pair. */
  environmentFor(pipeline: string, stepId: string): Readonly<Record<string, string>> {
    const roleKey = this.stepRoleKeys.get(`${pipeline}\n${stepId}`);
    const role = roleKey === undefined ? undefined : this.roles.get(roleKey);
    return role === undefined ? {} : { AWS_ACCESS_KEY_ID: role.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: role.credentials.secretAccessKey };
  }

  /** The secret of a key this runtime issued to a step role. */
  secretOf(accessKeyId: string): string | undefined {
    return this.byAccessKey.get(accessKeyId)?.credentials.secretAccessKey;
  }

  /** AWS's AccessDenied message when the role of `accessKeyId` may not make the S3 request; undefined when it may (or the key is not a step's). */
  s3Denial(accessKeyId: string, request: S3Request): string | undefined {
    const role = this.byAccessKey.get(accessKeyId);
    if (role === undefined) return undefined;
    const authorization = s3AuthorizationOf(request);
    if ('unsupported' in authorization)
      return `User: ${role.caller.principalArn} is not authorized to perform this request — Orchestra cannot tell which IAM action ${authorization.unsupported} needs, so a step's role may not make it locally`;
    for (const call of authorization.requests) {
      const denial = this.denial(role, call);
      if (denial !== undefined) return denial;
    }
    return undefined;
  }

  /** AWS's AccessDenied message when the role of `accessKeyId` may not make the call (any service); undefined when it may. */
  callDenial(accessKeyId: string, request: AuthorizationRequest): string | undefined {
    const role = this.byAccessKey.get(accessKeyId);
    return role === undefined ? undefined : this.denial(role, request);
  }

  /** AWS's message when `role` may not make the call, undefined when it may. Decisions are cached: every S3 request a step makes passes here. */
  private denial(role: LocalRole, request: AuthorizationRequest): string | undefined {
    const key = requestKey(request);
    let decision = role.decisions.get(key);
    if (decision === undefined) {
      decision = evaluate(role.statements, request);
      if (role.decisions.size > 10_000) role.decisions.clear();
      role.decisions.set(key, decision);
    }
    return decision === 'Allowed' ? undefined : accessDeniedMessage(role.caller, request, decision === 'ExplicitlyDenied');
  }
}
