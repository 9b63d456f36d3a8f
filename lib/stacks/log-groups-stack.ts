import { Stack, StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { PlannedLogGroup, ResolvedEnvironment } from '../config/resolve';
import { CentralLogGroup } from '../central-log-group';

/**
 * Groups per shard. A group costs up to 3 resources here (group, 2 SSM parameters) and 1 output, but its stateless
 * twin (the wiring shard: up to 2 subscription filters and the LLM metric filters) costs up to 8, and that shard
 * mirrors this one: 60 × 8 stays under CloudFormation's 500 resources. Changing it later moves nothing: it only
 * steers where new groups go (see the stack ledger).
 */
export const MAX_GROUPS_PER_SHARD = 60;
/** CloudFormation's limits on one stack. */
export const MAX_RESOURCES_PER_STACK = 500;
export const MAX_OUTPUTS_PER_STACK = 200;
export const MAX_TEMPLATE_BYTES = 1_000_000;

export interface LogGroupsStackProps extends StackProps {
  readonly environment: ResolvedEnvironment;
  /** The groups of this shard, as the stack ledger assigned them. */
  readonly groups: readonly PlannedLogGroup[];
  readonly encryptionKey: kms.IKey;
}

/** Stateful: one shard of the environment's log groups, with their SSM parameters and outputs. */
export class LogGroupsStack extends Stack {
  /** Group name → the construct, for the stacks that wire subscriptions and filters. */
  public readonly groups: ReadonlyMap<string, CentralLogGroup>;

  constructor(scope: Construct, id: string, props: LogGroupsStackProps) {
    super(scope, id, props);
    const groups = new Map<string, CentralLogGroup>();
    for (const plan of props.groups) {
      groups.set(
        plan.name,
        new CentralLogGroup(this, CentralLogGroup.idFor(plan.name), {
          plan,
          encryptionKey: props.encryptionKey,
          ssmPrefix: props.environment.ssmPrefix,
          removalPolicy: props.environment.removalPolicy,
        }),
      );
    }
    this.groups = groups;
  }
}
