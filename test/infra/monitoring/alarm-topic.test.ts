import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildEnvironment } from '../../support/app';

describe('alarm topic', () => {
  const { environment } = buildEnvironment('prod', {
    config: { monitoring: { alarmEmails: ['oncall@example.com'], alarmHttpsEndpoints: ['https://events.pagerduty.com/integration/abc123/enqueue'] } },
  });
  const template = Template.fromStack(environment.monitoring);

  test('is named for the environment and encrypted with its own rotated key', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'central-logging-prod-alarms',
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmTopicKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchAlarmsToPublish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    // prod retains the key (messages in flight stay readable).
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  test('refuses anything but TLS and lets only this account’s alarms publish', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Sid: 'AllowCloudWatchAlarmsOfThisAccount',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:aws:cloudwatch:ap-northeast-2:', { Ref: 'AWS::AccountId' }, ':alarm:*']] } },
            },
          }),
        ]),
      },
    });
  });

  test('subscribes the configured e-mail addresses and HTTPS endpoints', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://events.pagerduty.com/integration/abc123/enqueue',
    });
  });

  test('has no subscriber by default', () => {
    const { environment: staging } = buildEnvironment('staging');
    Template.fromStack(staging.monitoring).resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
