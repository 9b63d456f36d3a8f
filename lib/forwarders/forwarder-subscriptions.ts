import { Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PROJECT } from '../config/environment-config';
import { PlannedLogGroup } from '../config/resolve';
import { CentralLogGroup } from '../central-log-group';
import { filterPatternProblem } from './filter-patterns';
import { ForwarderDestination, forwarderFunctionArn } from './forwarder-names';

/**
 * A subscription destination named by ARN. It grants nothing (`addPermissions: false` semantics): the forwarder's
 * single wildcard permission already lets CloudWatch Logs invoke it for every group of the account and region. The
 * ARN is built from the fixed function name in the subscribing stack, so no token crosses stacks.
 */
export class FunctionArnDestination implements logs.ILogSubscriptionDestination {
  constructor(private readonly functionArn: string) {}

  public bind(): logs.LogSubscriptionDestinationConfig {
    return { arn: this.functionArn };
  }
}

export interface ForwarderSubscriptionProps {
  readonly destination: ForwarderDestination;
  readonly environmentName: string;
  readonly group: PlannedLogGroup;
  readonly filterPattern: string;
}

/** The filter's name: stable, and telling whoever lists a group's subscriptions what owns this one. */
export function subscriptionFilterName(destination: ForwarderDestination): string {
  return `${PROJECT}-${destination}-forwarder`;
}

/** One group's subscription to a forwarder, placed in the group's wiring stack. */
export class ForwarderSubscription extends Construct {
  public readonly filter: logs.SubscriptionFilter;

  constructor(scope: Construct, id: string, props: ForwarderSubscriptionProps) {
    super(scope, id);
    const problem = filterPatternProblem(props.filterPattern);
    if (problem) throw new Error(`filter pattern for ${props.group.name} ${problem}: ${props.filterPattern}`);
    this.filter = new logs.SubscriptionFilter(this, 'Resource', {
      logGroup: logs.LogGroup.fromLogGroupName(this, 'Group', props.group.name),
      destination: new FunctionArnDestination(forwarderFunctionArn(Stack.of(this), props.environmentName, props.destination)),
      filterPattern: logs.FilterPattern.literal(props.filterPattern),
      filterName: subscriptionFilterName(props.destination),
    });
  }

  /** Construct id for a group's subscription: the group's id plus the destination. */
  public static idFor(group: PlannedLogGroup, destination: ForwarderDestination): string {
    return `${CentralLogGroup.idFor(group.name)}:${destination}`;
  }
}

