import { Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PROJECT } from '../config/environment-config';
import { archiveStreamName, archiveSubscriptionRoleName } from './archive-delivery-stream';

/** Every event goes to the archive: an empty pattern matches all. */
export const ARCHIVE_FILTER_PATTERN = '';

export interface ArchiveSubscriptionProps {
  readonly environment: string;
  /** The group, by name (the wiring stacks refer to groups by name). */
  readonly logGroupName: string;
}

/**
 * One group's subscription to the archive's delivery stream, in the group's wiring stack. It names the stream and
 * the role by their fixed names, so the wiring stack needs no export of the stateful archive stack (only to deploy
 * after it). Counts against CloudWatch's 2 subscription filters per group, which the config validation enforces.
 */
export class ArchiveSubscription extends Construct {
  public static idFor(groupId: string): string {
    return `${groupId}:Archive`;
  }

  public readonly filter: logs.CfnSubscriptionFilter;

  constructor(scope: Construct, id: string, props: ArchiveSubscriptionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.filter = new logs.CfnSubscriptionFilter(this, 'Resource', {
      filterName: `${PROJECT}-archive`,
      logGroupName: props.logGroupName,
      filterPattern: ARCHIVE_FILTER_PATTERN,
      destinationArn: stack.formatArn({
        service: 'firehose',
        resource: 'deliverystream',
        resourceName: archiveStreamName(props.environment),
      }),
      roleArn: stack.formatArn({
        service: 'iam',
        region: '',
        resource: 'role',
        resourceName: archiveSubscriptionRoleName(props.environment),
      }),
    });
  }
}
