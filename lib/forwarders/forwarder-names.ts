import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PROJECT } from '../config/environment-config';
import { logGroupName } from '../naming';

/** The destinations a forwarder delivers to; one forwarder per destination and environment. */
export const FORWARDER_DESTINATIONS = ['sentry', 'langfuse'] as const;
export type ForwarderDestination = (typeof FORWARDER_DESTINATIONS)[number];

/** Lambda's limit on a function name. */
export const MAX_FUNCTION_NAME_LENGTH = 64;

/**
 * The forwarder's function name, fixed so that other stacks can name it without a cross-stack reference: the
 * wiring stacks build the subscription destination ARN from it, and its log group (`/aws/lambda/<name>`) lives in
 * the stateful Core stack before the function exists.
 */
export function forwarderFunctionName(environment: string, destination: ForwarderDestination): string {
  const name = `${PROJECT}-${environment}-${destination}-forwarder`;
  if (name.length > MAX_FUNCTION_NAME_LENGTH) {
    throw new Error(`forwarder function name "${name}" is longer than Lambda's ${MAX_FUNCTION_NAME_LENGTH} characters`);
  }
  return name;
}

/** The forwarder's own log group, per the convention for a Lambda runtime group. */
export function forwarderLogGroupName(environment: string, destination: ForwarderDestination): string {
  return logGroupName('lambda', forwarderFunctionName(environment, destination), 'lambda');
}

/** The function's ARN as seen from `scope`'s stack (same account and region), with no token of another stack. */
export function forwarderFunctionArn(scope: Stack, environment: string, destination: ForwarderDestination): string {
  return scope.formatArn({
    service: 'lambda',
    resource: 'function',
    resourceName: forwarderFunctionName(environment, destination),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** `sentry-dsn` → `SentryDsn`: construct ids and policy statement ids from kebab-case names. */
export function pascalCase(value: string): string {
  return value.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
}
