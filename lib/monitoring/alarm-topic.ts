import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { PROJECT } from '../config/environment-config';
import { RetainOrDestroy, removalPolicyOf } from '../removal-policy';

/** The alarm topic's name, fixed so alarms in other stacks name it without a cross-stack reference. */
export function alarmTopicName(environment: string): string {
  return `${PROJECT}-${environment}-alarms`;
}

/** The topic's ARN as seen from `scope`'s stack (same account and region). */
export function alarmTopicArn(scope: Construct, environment: string): string {
  return Stack.of(scope).formatArn({
    service: 'sns',
    resource: alarmTopicName(environment),
    arnFormat: ArnFormat.NO_RESOURCE_NAME,
  });
}

export interface AlarmTopicProps {
  readonly environment: string;
  readonly emails: readonly string[];
  readonly httpsEndpoints: readonly string[];
  /** @default 'retain' */
  readonly removalPolicy?: RetainOrDestroy;
}

/**
 * The environment's alarm topic: encrypted with its own key (CloudWatch cannot publish to a topic under the AWS
 * managed SNS key, and the logs key is for logs only), TLS-only, publishable by CloudWatch alarms of this account
 * and region alone, with the configured e-mail and HTTPS subscribers.
 */
export class AlarmTopic extends Construct {
  public readonly topic: sns.Topic;
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const name = alarmTopicName(props.environment);
    const removalPolicy = removalPolicyOf(props.removalPolicy);
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the ${PROJECT} ${props.environment} alarm notifications`,
      enableKeyRotation: true,
      removalPolicy,
    });
    const cloudwatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    const fromOurAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      },
    };
    // AWS's documented grant for alarms on an encrypted topic. Unconditioned: CloudWatch's calls reach KMS through
    // SNS, without the source keys the topic policy checks; the key encrypts nothing but this topic.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [cloudwatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: name,
      displayName: `${PROJECT} ${props.environment} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromOurAlarms,
      }),
    );
    for (const email of props.emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    for (const url of props.httpsEndpoints) {
      this.topic.addSubscription(new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }));
    }
  }
}
