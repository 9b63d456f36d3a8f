import { ArnFormat, CfnOutput, Stack, Tags } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { logGroupTags } from './config/log-group-tags';
import { PlannedLogGroup } from './config/resolve';
import { dataProtectionPolicy } from './data-protection/data-protection-policy';
import { RetainOrDestroy, removalPolicyOf } from './removal-policy';

export interface CentralLogGroupProps {
  /** The group as the configuration plans it: name, type, tier, sync states. */
  readonly plan: PlannedLogGroup;
  /** The environment's logs key. Ignored for a group that already exists (it keeps its own settings). */
  readonly encryptionKey: kms.IKey;
  /** SSM prefix under which the name and ARN are published, e.g. `/central-logging/prod/log-groups`. */
  readonly ssmPrefix: string;
  /** @default 'retain' */
  readonly removalPolicy?: RetainOrDestroy;
}

/**
 * One log group of the catalogue: created KMS-encrypted with its tier's retention and honest tags, or, when it
 * already exists in the account, referenced by name. Either way its name and ARN are published in SSM and as a stack
 * output, so the service that writes to it never hard-codes either.
 */
export class CentralLogGroup extends Construct {
  /** Construct id for a group: its name without `/aws/`, with `:` for `/` (a character our names never use). */
  public static idFor(groupName: string): string {
    return groupName.replace(/^\/aws\//, '').replace(/\//g, ':');
  }

  public readonly logGroup: logs.ILogGroup;
  /** The group's ARN without the `:*` suffix (append `:*` in IAM policies that write log streams). */
  public readonly logGroupArn: string;

  constructor(scope: Construct, id: string, props: CentralLogGroupProps) {
    super(scope, id);
    const { plan } = props;
    const removal = removalPolicyOf(props.removalPolicy);
    this.logGroupArn = Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: plan.name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    if (plan.existing) {
      this.logGroup = logs.LogGroup.fromLogGroupName(this, 'Resource', plan.name);
    } else {
      const group = new logs.LogGroup(this, 'Resource', {
        logGroupName: plan.name,
        retention: plan.retentionDays as number as logs.RetentionDays,
        encryptionKey: props.encryptionKey,
        removalPolicy: removal,
        // Both come from the plan (data-protection types, the environment's deletion protection).
        dataProtectionPolicy: plan.dataProtection && dataProtectionPolicy(this, plan.type, plan.dataProtection),
        deletionProtectionEnabled: plan.deletionProtection || undefined,
      });
      this.logGroup = group;
      for (const [key, value] of Object.entries(logGroupTags(plan))) Tags.of(group).add(key, value);
    }

    const path = `${props.ssmPrefix}/${plan.name.replace(/^\/aws\//, '')}`;
    const published = [
      new ssm.StringParameter(this, 'NameParameter', {
        parameterName: `${path}/name`,
        stringValue: plan.name,
        description: `Name of the ${plan.type} log group of ${plan.service} ${plan.resourceName}`,
      }),
      new ssm.StringParameter(this, 'ArnParameter', {
        parameterName: `${path}/arn`,
        stringValue: this.logGroupArn,
        description: `ARN of ${plan.name} (append :* for log-stream permissions)`,
      }),
    ];
    // The ARN is built from the name (no token), so say explicitly that it is published only once the group exists.
    if (!plan.existing) published.forEach((parameter) => parameter.node.addDependency(this.logGroup));

    new CfnOutput(this, 'Arn', {
      value: this.logGroupArn,
      description: plan.name,
    });
  }
}
