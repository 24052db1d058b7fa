/**
 * The CLI's connection to the runs API, on either target: the local `orchestra up` (found through its
 * endpoints file), any URL (`--api`), or a deployed stack (`--stack`, its RunsApiUrl output). Requests
 * to API Gateway are SigV4-signed with the standard AWS credential chain (environment, profile, SSO,
 * instance role), as the deployed API requires IAM authorisation. Commands call the typed client
 * (`api`, lib/client); the console's proxy passes requests on as they are (`forward`).
 */
import { createRunsClient, RunsApiUnreachable, type RunsClient } from '../client/runs-client';
import { executeApiRegionOf, executeApiSigner, type RequestSigner, signedTransport } from '../client/sigv4-transport';
import { fetchTransport, type HttpAnswer, type Transport } from '../client/transport';
import { STACK_OUTPUTS } from '../contract/stack-outputs';
import { runningEndpoints } from '../runtime/local-endpoints';
import { UsageError } from '../shared/errors';
import { readStackOutputs } from './stack-outputs';

export interface ApiTargetOptions {
  /** A runs API base URL. */
  readonly api?: string;
  /** A deployed stack's name: its RunsApiUrl output is used. */
  readonly stack?: string;
  readonly region?: string;
}

export class RunsApiClient {
  /** The typed client: one method per route of the runs API. */
  readonly api: RunsClient;

  private constructor(
    readonly baseUrl: string,
    private readonly transport: Transport,
  ) {
    this.api = createRunsClient({ baseUrl, transport });
  }

  /** --api, else --stack, else the `orchestra up` serving `dataDir`. */
  static async connect(options: ApiTargetOptions, dataDir: string): Promise<RunsApiClient> {
    if (options.api !== undefined && options.stack !== undefined) throw new UsageError('--api and --stack both name a runs API: pass one');
    const url = options.api ?? (options.stack === undefined ? localApiOf(dataDir) : await stackApiOf(options.stack, options.region));
    let region: string | undefined;
    try {
      region = executeApiRegionOf(url);
    } catch {
      throw new UsageError(`--api ${url}: not a URL — pass the runs API's base URL, e.g. http://127.0.0.1:4570`);
    }
    return RunsApiClient.at(url, region === undefined ? undefined : executeApiSigner(region));
  }

  /** A client of the API at `url`, signing with `signer` when given (tests sign with known credentials). */
  static at(url: string, signer?: RequestSigner): RunsApiClient {
    return new RunsApiClient(url.replace(/\/+$/, ''), signer === undefined ? fetchTransport : signedTransport(signer));
  }

  /** Sends `path` (with its query) to the API, signed when the API is API Gateway's, and returns the answer as sent. */
  async forward(method: string, path: string, body: string | undefined, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    try {
      return await this.transport({ method, url: `${this.baseUrl}${path}`, headers, ...(body === undefined ? {} : { body }) });
    } catch (error) {
      throw new RunsApiUnreachable(this.baseUrl, error);
    }
  }
}

function localApiOf(dataDir: string): string {
  const endpoints = runningEndpoints(dataDir);
  if (endpoints === undefined)
    throw new UsageError(`no \`orchestra up\` is serving ${dataDir} — start it (npm run up), or pass --api <url> or --stack <name> for a deployed stack`);
  return endpoints.runsApi;
}

async function stackApiOf(stackName: string, region: string | undefined): Promise<string> {
  const url = (await readStackOutputs(stackName, region))[STACK_OUTPUTS.runsApiUrl];
  if (url === undefined) throw new UsageError(`stack ${stackName} has no ${STACK_OUTPUTS.runsApiUrl} output: is it an Orchestra stack, fully deployed?`);
  return url;
}
