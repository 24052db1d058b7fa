/**
 * What a denied call says: AWS's own AccessDenied wording (who, which action, on what, why), and
 * then Orchestra's fix — the `access` entry of the step's graph that would allow it, or why none can.
 */
import { accessProblems } from '../contract/step-access';
import type { AuthorizationRequest } from './evaluate';

export interface DeniedCaller {
  /** arn:aws:sts::<account>:assumed-role/<role>/<session> */
  readonly principalArn: string;
  /** The step whose graph entry would grant the call; absent for a role no graph entry grants to. */
  readonly step?: {
    readonly pipeline: string;
    readonly stepId: string;
    readonly graphFile: string;
    /** Its `inputs`, when it names the run input files it reads, and the prefixes they are under. */
    readonly inputs?: { readonly prefixes: readonly string[]; readonly patterns: readonly string[] };
  };
  /** For such a role: what it may do, in the denial's words. */
  readonly grants?: string;
}

const FIELD_OF_ACTION: Readonly<Record<string, 'read' | 'write' | 'delete'>> = {
  's3:GetObject': 'read',
  's3:ListBucket': 'read',
  's3:PutObject': 'write',
  's3:PutObjectTagging': 'write',
  's3:AbortMultipartUpload': 'write',
  's3:ListMultipartUploadParts': 'write',
  's3:DeleteObject': 'delete',
};

/** The folder of the key (or listed prefix) a denied call reached: what an `access` entry would name. */
function folderOf(request: AuthorizationRequest): string | undefined {
  if (request.action === 's3:ListBucket') {
    const prefix = request.context?.['s3:prefix'];
    const text = typeof prefix === 'string' ? prefix : undefined;
    return text === undefined || !text.includes('/') ? undefined : text.slice(0, text.lastIndexOf('/') + 1);
  }
  const key = /^arn:aws:s3:::[^/]+\/(.*)$/.exec(request.resource)?.[1];
  return key === undefined || !key.includes('/') ? undefined : key.slice(0, key.lastIndexOf('/') + 1);
}

function fixFor(caller: DeniedCaller, request: AuthorizationRequest): string {
  const field = FIELD_OF_ACTION[request.action];
  const folder = folderOf(request);
  if (caller.step === undefined) return caller.grants ?? 'no graph entry grants this role more';
  const { pipeline, stepId, graphFile } = caller.step;
  if (field === undefined) return `Orchestra grants steps no ${request.action}`;
  if (request.action === 's3:ListBucket' && folder === undefined) return `list under a folder (a Prefix ending in "/") the step may read, e.g. its run's`;
  if (folder === undefined) return `a step may ${field} only under folders: keep its objects in one`;
  const key = /^arn:aws:s3:::[^/]+\/(.*)$/.exec(request.resource)?.[1];
  const { inputs } = caller.step;
  if (request.action === 's3:GetObject' && inputs !== undefined && key !== undefined && inputs.prefixes.some((prefix) => key.startsWith(prefix)))
    return `it reads only the run input files its "inputs" name (${inputs.patterns.join(', ')}): if it reads this one, add "${key.slice(key.lastIndexOf('/') + 1)}" to steps.${stepId}.inputs in ${graphFile}`;
  const problem = accessProblems(pipeline, { [field]: [folder] })[0];
  if (problem !== undefined) return `no step may be granted this: ${problem.message}`;
  return `if step "${stepId}" should ${field} there, add "${folder}" to steps.${stepId}.access.${field} in ${graphFile}`;
}

/** AWS's message for an identity-based implicit or explicit deny, then Orchestra's fix. */
export function accessDeniedMessage(caller: DeniedCaller, request: AuthorizationRequest, explicit: boolean): string {
  const why = explicit ? `with an explicit deny in an identity-based policy` : `because no identity-based policy allows the ${request.action} action`;
  return `User: ${caller.principalArn} is not authorized to perform: ${request.action} on resource: "${request.resource}" ${why} — Orchestra: ${fixFor(caller, request)}`;
}
