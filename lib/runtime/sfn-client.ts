import { SFNClient } from '@aws-sdk/client-sfn';
import { type Environment, FUNCTION_ENV } from '../contract/environment';

const clients = new Map<string, SFNClient>();

/**
 * The Step Functions client for the environment a function runs in: the local runtime's endpoint
 * when ORCHESTRA_SFN_ENDPOINT says so (in-process handlers cannot rely on process.env), else AWS.
 * One per endpoint, reused across invocations as Lambda would reuse it.
 */
export function sfnClientFor(env: Environment): SFNClient {
  const endpoint = env[FUNCTION_ENV.stepFunctionsEndpoint] || undefined;
  const region = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
  // The key pair too: each local data folder has its own secret, and a port may serve another folder later.
  const key = [endpoint ?? '', region, env['AWS_ACCESS_KEY_ID'] ?? '', env['AWS_SECRET_ACCESS_KEY'] ?? ''].join('\n');
  let client = clients.get(key);
  if (client === undefined) {
    const accessKeyId = env['AWS_ACCESS_KEY_ID'];
    const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
    const credentials = endpoint !== undefined && accessKeyId !== undefined && secretAccessKey !== undefined ? { credentials: { accessKeyId, secretAccessKey } } : {};
    client = new SFNClient({ region, ...(endpoint === undefined ? {} : { endpoint, ...credentials }) });
    clients.set(key, client);
  }
  return client;
}
