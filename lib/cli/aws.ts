import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { KMSClient } from '@aws-sdk/client-kms';
import { CliError } from './cli-error';
import { AwsClients, AwsTarget } from './io';

/**
 * Attempts per AWS call, including the first. The SDK's standard retry mode backs off exponentially with jitter on
 * throttling (ThrottlingException, LimitExceededException, TooManyRequestsException) and transient errors; Logs
 * Insights' StartQuery throttles at a few calls per second per account, so a little headroom over the default 3.
 */
export const AWS_MAX_ATTEMPTS = 6;

/** Clients for one account and region, credentials from the SDK's default chain (`--profile` selects a profile). */
export function createAwsClients(target: AwsTarget): AwsClients {
  const config = { region: target.region, maxAttempts: AWS_MAX_ATTEMPTS, ...(target.profile ? { profile: target.profile } : {}) };
  return { logs: new CloudWatchLogsClient(config), kms: new KMSClient(config) };
}

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'LimitExceededException', 'RequestLimitExceeded']);
const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'KMSAccessDeniedException']);
const BAD_CREDENTIALS = new Set(['UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'IncompleteSignature', 'SignatureDoesNotMatch']);
const EXPIRED = new Set(['ExpiredTokenException', 'ExpiredToken', 'RequestExpired']);
const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'TimeoutError']);

interface AwsLikeError {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly attempts?: number; readonly httpStatusCode?: number };
}

/**
 * One line that says what went wrong with an AWS call and what to do about it. `what` names the call
 * (`StartQuery on 3 log groups`). Messages from AWS are kept: they name the principal and the denied action.
 */
export function describeAwsError(error: unknown, what: string, target: AwsTarget): string {
  const e = (error ?? {}) as AwsLikeError;
  const name = e.name ?? e.code ?? 'Error';
  const message = oneLine(e.message ?? String(error));
  const profile = target.profile
    ? `profile "${target.profile}"`
    : process.env.AWS_PROFILE
      ? `AWS_PROFILE "${process.env.AWS_PROFILE}"`
      : 'the default credential chain';
  if (name === 'CredentialsProviderError' || /Could not load credentials|credential/i.test(name)) {
    return `no AWS credentials for ${profile}: ${message} (set AWS_PROFILE or pass --profile, or run "aws sso login")`;
  }
  if (ACCESS_DENIED.has(name)) return `access denied: ${what}: ${message}`;
  if (EXPIRED.has(name)) return `the AWS session of ${profile} has expired (${what}): log in again, e.g. "aws sso login"`;
  if (BAD_CREDENTIALS.has(name)) return `AWS does not accept the credentials of ${profile} (${what}): ${message}`;
  if (THROTTLING.has(name)) {
    const attempts = e.$metadata?.attempts ?? 1;
    return `throttled by AWS: ${what} still refused after ${attempts} attempt${attempts === 1 ? '' : 's'} with backoff (${name}); wait a minute and run again`;
  }
  if (NETWORK.has(name) || NETWORK.has(e.code ?? '')) return `cannot reach AWS in ${target.region} (${what}): ${message}`;
  return `${what} failed in ${target.region}: ${name}: ${message}`;
}

/** Runs one AWS call and turns its failure into a one-line `CliError`. */
export async function awsCall<T>(what: string, target: AwsTarget, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(describeAwsError(error, what, target));
  }
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
