import { CDK_BUNDLING_OPTIONS, FORWARDER_ENTRY_POINTS } from '../../lambda/bundling';
import { ForwarderDestination } from './forwarder-names';
import { ForwarderCode } from './log-forwarder';

/**
 * A forwarder's handler and its esbuild options, as the Lambda code publishes them (`lambda/bundling.ts`): the
 * bundle CDK ships is built with the same options the Lambda's own tests and benchmarks build with.
 */
export function forwarderCode(destination: ForwarderDestination): ForwarderCode {
  const { externalModules, esbuildArgs, ...options } = CDK_BUNDLING_OPTIONS;
  return {
    entry: FORWARDER_ENTRY_POINTS[destination],
    handler: 'handler',
    bundling: { ...options, externalModules: [...externalModules], esbuildArgs: { ...esbuildArgs } },
  };
}
