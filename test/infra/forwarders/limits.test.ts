import { Duration, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { PlannedLogGroup } from '../../../lib/config/resolve';
import { APPLICATION_ERROR_PATTERN } from '../../../lib/forwarders/filter-patterns';
import { ForwarderSubscription } from '../../../lib/forwarders/forwarder-subscriptions';
import { MAX_LAMBDA_ENVIRONMENT_BYTES, environmentSizeProblems } from '../../../lib/forwarders/log-forwarder';
import { RetryQueues } from '../../../lib/forwarders/retry-queues';
import { LogWiringStack } from '../../../lib/stacks/log-wiring-stack';
import { TEST_SECRETS, buildEnvironment, testApp } from '../../support/app';

/** The AWS limits the forwarders' wiring could breach, checked at synth rather than found at deploy time. */

const GROUP: PlannedLogGroup = {
  name: '/aws/ecs/api/application',
  service: 'ecs',
  resourceName: 'api',
  type: 'application',
  retentionDays: 14,
  existing: false,
  exportEnabled: false,
  sentry: 'enabled',
  langfuse: 'disabled',
  sentryErrorLinesOnly: true,
};

/** A wiring stack as the environment builds them: the stack itself enforces the per-group caps. */
function wiringStack(): Stack {
  const { resolved } = buildEnvironment('dev');
  return new LogWiringStack(testApp(), 'Wiring', { env: { region: 'ap-northeast-2' }, environment: resolved, groups: [GROUP] });
}

describe('subscription filters per log group', () => {
  test('a third subscription filter on one group fails the synth, naming the group and the limit', () => {
    const stack = wiringStack();
    new ForwarderSubscription(stack, 'Sentry', { destination: 'sentry', environmentName: 'dev', group: GROUP, filterPattern: '' });
    // Two more filters added by other code in the same wiring stack (e.g. an archive export and a stray one).
    // The archive alone (no forwarder subscription) is checked too: see the next test.
    for (const id of ['Archive', 'Stray']) {
      new logs.CfnSubscriptionFilter(stack, id, { logGroupName: GROUP.name, destinationArn: 'arn:aws:firehose:ap-northeast-2:111111111111:deliverystream/x', filterPattern: '' });
    }
    expect(stack.node.validate()).toEqual([`log group ${GROUP.name} has 3 subscription filters; CloudWatch allows 2`]);
  });

  test('the cap holds for filters that are not the forwarders\' (archive exports alone)', () => {
    const stack = wiringStack();
    for (const id of ['Archive', 'Stray', 'Third']) {
      new logs.CfnSubscriptionFilter(stack, id, { logGroupName: GROUP.name, destinationArn: 'arn:aws:firehose:ap-northeast-2:111111111111:deliverystream/x', filterPattern: '' });
    }
    expect(stack.node.validate()).toEqual([`log group ${GROUP.name} has 3 subscription filters; CloudWatch allows 2`]);
  });

  test('two filters on a group are fine', () => {
    const stack = wiringStack();
    new ForwarderSubscription(stack, 'Sentry', { destination: 'sentry', environmentName: 'dev', group: GROUP, filterPattern: APPLICATION_ERROR_PATTERN });
    new logs.CfnSubscriptionFilter(stack, 'Archive', { logGroupName: GROUP.name, destinationArn: 'arn:aws:firehose:ap-northeast-2:111111111111:deliverystream/x', filterPattern: '' });
    expect(stack.node.validate()).toEqual([]);
  });

  test('more than 5 regex patterns among a group\'s subscription and metric filters fail the synth', () => {
    const stack = wiringStack();
    new ForwarderSubscription(stack, 'Sentry', { destination: 'sentry', environmentName: 'dev', group: GROUP, filterPattern: APPLICATION_ERROR_PATTERN });
    for (let i = 0; i < 5; i++) {
      new logs.CfnMetricFilter(stack, `Metric${i}`, {
        logGroupName: GROUP.name,
        filterPattern: '%ERROR%',
        metricTransformations: [{ metricName: `m${i}`, metricNamespace: 'Test', metricValue: '1' }],
      });
    }
    expect(stack.node.validate()).toEqual([`log group ${GROUP.name} has 6 regex filter patterns; CloudWatch allows 5`]);
  });

  test('a pattern CloudWatch would refuse is refused at synth', () => {
    expect(
      () => new ForwarderSubscription(wiringStack(), 'Bad', { destination: 'sentry', environmentName: 'dev', group: GROUP, filterPattern: '%(ERROR|FATAL)%' }),
    ).toThrow(/"\(".*not support/);
  });
});

describe("the function's environment", () => {
  test(`stays under Lambda's ${MAX_LAMBDA_ENVIRONMENT_BYTES} bytes, or the synth names the likely cause`, () => {
    expect(environmentSizeProblems({ A: 'x'.repeat(100) })).toEqual([]);
    expect(environmentSizeProblems({ REDACT_EXTRA_PATTERNS: JSON.stringify(Array(300).fill('CUST-[0-9]{6}')) })[0]).toMatch(
      /about \d+ bytes; Lambda allows 4096 \(shorten redactionPatterns\?\)/,
    );
  });

  test('an environment whose redaction patterns overflow it fails the synth', () => {
    const app = testApp({ 'aws:cdk:bundling-stacks': [] });
    const { environment } = buildEnvironment('dev', {
      app,
      config: { redactionPatterns: Array.from({ length: 250 }, (_, i) => `CUST-${i}-[0-9]{6}`) },
      secrets: { 'sentry-dsn': TEST_SECRETS['sentry-dsn'] },
    });
    expect(environment.forwarding).toBeDefined();
    expect(() => app.synth()).toThrow(/Lambda allows 4096/);
  });
});

describe('the retry queues', () => {
  test('refuse a function timeout whose visibility timeout SQS cannot hold', () => {
    const stack = new Stack();
    const key = new kms.Key(stack, 'Key');
    expect(() => new RetryQueues(stack, 'Q', { encryptionKey: key, functionTimeout: Duration.hours(3) })).toThrow(
      /needs a visibility timeout of 64800 s; SQS allows 43200 s/,
    );
  });
});

describe("the forwarder's own log group", () => {
  test('may not also be declared by the catalogue', () => {
    expect(() =>
      buildEnvironment('dev', {
        app: testApp({ 'aws:cdk:bundling-stacks': [] }),
        config: {
          services: [{ service: 'lambda', name: 'central-logging-dev-sentry-forwarder', types: ['lambda', 'errors'] }],
        },
        secrets: { 'sentry-dsn': TEST_SECRETS['sentry-dsn'] },
      }),
    ).toThrow('dev: the catalogue declares /aws/lambda/central-logging-dev-sentry-forwarder, the sentry forwarder\'s own log group');
  });
});
