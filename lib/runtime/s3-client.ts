import { S3Client } from '@aws-sdk/client-s3';

/**
 * The S3 client every step uses. With ORCHESTRA_S3_ENDPOINT (or the SDK's AWS_ENDPOINT_URL_S3) set,
 * it talks to that endpoint path-style: the embedded S3 or LocalStack. Otherwise it is plain AWS.
 */
export function createS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpoint = env['ORCHESTRA_S3_ENDPOINT'] ?? env['AWS_ENDPOINT_URL_S3'];
  const region = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
  return endpoint === undefined || endpoint === '' ? new S3Client({ region }) : new S3Client({ region, endpoint, forcePathStyle: true });
}
