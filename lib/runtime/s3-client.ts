import { S3Client } from '@aws-sdk/client-s3';
import { type Environment, FUNCTION_ENV } from '../contract/environment';

/**
 * The S3 client a step uses, for the environment it runs in. With ORCHESTRA_S3_ENDPOINT (or the SDK's
 * AWS_ENDPOINT_URL_S3) it talks to that endpoint path-style: the embedded S3 or LocalStack; otherwise
 * plain AWS. Explicit keys in the environment are used as given, so two local runtimes in one
 * process never share a client.
 */
export function createS3Client(env: Environment = process.env): S3Client {
  const endpoint = env[FUNCTION_ENV.s3Endpoint] || env['AWS_ENDPOINT_URL_S3'] || undefined;
  const region = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  const credentials = endpoint !== undefined && accessKeyId !== undefined && secretAccessKey !== undefined ? { credentials: { accessKeyId, secretAccessKey } } : {};
  return endpoint === undefined ? new S3Client({ region }) : new S3Client({ region, endpoint, forcePathStyle: true, ...credentials });
}

const clients = new Map<string, S3Client>();

/** One client per endpoint, region and key pair, reused across invocations as Lambda would reuse it. */
export function s3ClientFor(env: Environment): S3Client {
  // The secret too: each local data folder has its own, behind the same key id.
  const key = [env[FUNCTION_ENV.s3Endpoint], env['AWS_ENDPOINT_URL_S3'], env['AWS_REGION'], env['AWS_ACCESS_KEY_ID'], env['AWS_SECRET_ACCESS_KEY']].join('\n');
  let client = clients.get(key);
  if (client === undefined) {
    client = createS3Client(env);
    clients.set(key, client);
  }
  return client;
}
