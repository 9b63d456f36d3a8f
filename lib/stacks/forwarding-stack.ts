import { Stack, StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ResolvedEnvironment } from '../config/resolve';
import { ForwarderDestination, forwarderFunctionName, forwarderLogGroupName, pascalCase } from '../forwarders/forwarder-names';
import { ForwarderSpec } from '../forwarders/forwarder-spec';
import { LogForwarder } from '../forwarders/log-forwarder';

export interface ForwardingStackProps extends StackProps {
  readonly environment: ResolvedEnvironment;
  /** The forwarders this environment deploys (at least one). */
  readonly specs: readonly ForwarderSpec[];
  /** The environment's logs key (Core stack). */
  readonly encryptionKey: kms.IKey;
}

/**
 * Stateless: the environment's log forwarders (functions, roles, retry queues). Their log groups are stateful and
 * live in the Core stack; their subscriptions live in the wiring stacks, which name the functions by ARN and depend
 * on this stack. Replacing this stack loses nothing but messages still in flight in a queue, which is why the
 * queues are the one thing here worth draining before a destroy.
 */
export class ForwardingStack extends Stack {
  public readonly forwarders: ReadonlyMap<ForwarderDestination, LogForwarder>;

  constructor(scope: Construct, id: string, props: ForwardingStackProps) {
    super(scope, id, props);
    const forwarders = new Map<ForwarderDestination, LogForwarder>();
    for (const spec of props.specs) {
      const name = forwarderLogGroupName(props.environment.name, spec.destination);
      forwarders.set(
        spec.destination,
        new LogForwarder(this, pascalCase(spec.destination), {
          destination: spec.destination,
          functionName: forwarderFunctionName(props.environment.name, spec.destination),
          code: spec.code,
          sizing: spec.sizing,
          environmentVariables: spec.environmentVariables,
          secrets: spec.secrets,
          encryptionKey: props.encryptionKey,
          // By name: the group is in the Core stack, which this stack depends on.
          logGroup: logs.LogGroup.fromLogGroupName(this, `${pascalCase(spec.destination)}LogGroup`, name),
          retryAttempts: spec.retryAttempts,
          removalPolicy: props.environment.removalPolicy,
        }),
      );
    }
    this.forwarders = forwarders;
  }
}
