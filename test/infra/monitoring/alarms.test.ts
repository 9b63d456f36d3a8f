import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ConfigError } from '../../../lib/config/config-error';
import { ENVIRONMENTS } from '../../../lib/config/environments';
import { resolveEnvironment } from '../../../lib/config/resolve';
import { alarmsMarkdown } from '../../../lib/monitoring/alarm-docs';
import { MAX_ALARM_DESCRIPTION_LENGTH } from '../../../lib/monitoring/alarm-factory';
import { ALARM_TABLE } from '../../../lib/monitoring/alarm-table';
import { DEFAULT_ALARM_THRESHOLDS } from '../../../lib/monitoring/monitoring-config';
import { loadQueryLibrary } from '../../../lib/queries/library';
import { TEST_SECRETS, buildEnvironment } from '../../support/app';

const WITH_LANGFUSE = { langfuse: { publicKey: 'pk-lf-0a1b2c3d' } };
const TOPIC_ARN = { 'Fn::Join': ['', ['arn:aws:sns:ap-northeast-2:', { Ref: 'AWS::AccountId' }, ':central-logging-prod-alarms']] };

type Resource = { Properties: Record<string, any> };
function alarmsOf(stacks: readonly Stack[]): Map<string, Resource> {
  const alarms = new Map<string, Resource>();
  for (const stack of stacks) {
    for (const alarm of Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))) {
      alarms.set(alarm.Properties.AlarmName, alarm as Resource);
    }
  }
  return alarms;
}

describe('alarms of a full environment (prod with both forwarders and the archive)', () => {
  const { environment } = buildEnvironment('prod', { secrets: TEST_SECRETS, config: WITH_LANGFUSE });
  const alarms = alarmsOf([environment.monitoring, ...environment.wiringShards]);
  const alarm = (name: string) => {
    const found = alarms.get(`central-logging-prod-${name}`);
    if (!found) throw new Error(`no alarm ${name}; have ${[...alarms.keys()].join(', ')}`);
    return found.Properties;
  };

  test('one alarm per row and target: LLM, user bursts, errors groups, each forwarder, the archive', () => {
    expect([...alarms.keys()].sort()).toEqual(
      [
        'LlmLargePrompt',
        'LlmLatencyP95',
        'LlmErrorRate',
        'LlmHourlyCost',
        'LlmUserBurst-project-schema-1',
        'LlmUserBurst-litellm-1',
        'ErrorEventsAnomaly',
        ...['/aws/ecs/atlantis/errors', '/aws/ecs/api/errors', '/aws/lambda/secrets-manager-rotation/errors'].map((g) => `ErrorEventsCeiling-${g}`),
        ...['sentry', 'langfuse'].flatMap((f) => [
          `ForwarderDeadLetters-${f}`,
          `ForwarderRetryBacklog-${f}`,
          `ForwarderErrors-${f}`,
          `ForwarderDestinationFailures-${f}`,
          `ForwarderThrottles-${f}`,
        ]),
        'ArchiveDeliveryDelay',
      ]
        .map((n) => `central-logging-prod-${n}`)
        .sort(),
    );
  });

  test('any single request over 100,000 prompt tokens: the largest prompt of any model (Metrics Insights)', () => {
    expect(alarm('LlmLargePrompt')).toMatchObject({
      Threshold: 100_000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      Metrics: [{ Expression: 'SELECT MAX(InputTokens) FROM SCHEMA("CentralLogging/LLM", Model)', Period: 300, ReturnData: true }],
    });
  });

  test('p95 latency over 30 s, in 2 of the last 3 five-minute periods', () => {
    expect(alarm('LlmLatencyP95')).toMatchObject({
      Threshold: 30_000,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Metrics: [{ MetricStat: { Metric: { Namespace: 'CentralLogging/LLM', MetricName: 'LatencyMs' }, Stat: 'p95', Period: 300 } }],
    });
  });

  test('error rate over 10 % only once the period holds at least 100 calls', () => {
    const props = alarm('LlmErrorRate');
    expect(props.Threshold).toBe(10);
    const expression = props.Metrics.find((m: any) => m.Expression);
    expect(expression.Expression).toBe('IF(calls >= 100, 100 * FILL(failed, 0) / calls, 0)');
    expect(props.Metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Id: 'calls', MetricStat: expect.objectContaining({ Metric: { Namespace: 'CentralLogging/LLM', MetricName: 'LatencyMs' }, Stat: 'SampleCount' }) }),
        expect.objectContaining({ Id: 'failed', MetricStat: expect.objectContaining({ Metric: { Namespace: 'CentralLogging/LLM', MetricName: 'FailedCalls' }, Stat: 'Sum' }) }),
      ]),
    );
  });

  test("hourly cost over the environment's budget: all models' cost summed per hour", () => {
    expect(alarm('LlmHourlyCost')).toMatchObject({
      Threshold: DEFAULT_ALARM_THRESHOLDS.hourlyCostUsd,
      Metrics: [{ Expression: 'SELECT SUM(CostUsd) FROM SCHEMA("CentralLogging/LLM", Model)', Period: 3600 }],
    });
  });

  test('more than 100 calls a minute from one user: the top contributor of the Contributor Insights rule', () => {
    const props = alarm('LlmUserBurst-project-schema-1');
    expect(props).toMatchObject({ Threshold: 100, ComparisonOperator: 'GreaterThanThreshold' });
    expect(props.Metrics).toEqual([
      expect.objectContaining({
        Period: 60,
        Expression: { 'Fn::Join': ['', ["INSIGHT_RULE_METRIC('", { 'Fn::GetAtt': [expect.stringMatching(/^UserBurstprojectschema/), 'RuleName'] }, "', 'MaxContributorValue')"]] },
      }),
    ]);
  });

  test('errors groups: one anomaly band over all their events, counted by a filter on each group', () => {
    const anomaly = alarm('ErrorEventsAnomaly');
    expect(anomaly.ComparisonOperator).toBe('GreaterThanUpperThreshold');
    expect(anomaly).toMatchObject({ EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(anomaly.ThresholdMetricId).toBeDefined();
    expect(anomaly.Metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Expression: expect.stringMatching(/^ANOMALY_DETECTION_BAND\(\w+, 3\)$/) }),
        expect.objectContaining({
          MetricStat: expect.objectContaining({ Metric: { Namespace: 'CentralLogging/Errors', MetricName: 'ErrorEvents' }, Stat: 'Sum', Period: 300 }),
        }),
      ]),
    );
    const filters = environment.wiringShards.flatMap((stack) =>
      Object.values(Template.fromStack(stack).findResources('AWS::Logs::MetricFilter'))
        .map((r) => r.Properties)
        .filter((p) => p.FilterName === 'central-logging-error-events'),
    );
    expect(filters.map((f) => f.LogGroupName).sort()).toEqual(['/aws/ecs/api/errors', '/aws/ecs/atlantis/errors', '/aws/lambda/secrets-manager-rotation/errors']);
    for (const f of filters) {
      expect(f).toMatchObject({ FilterPattern: '', MetricTransformations: [{ MetricNamespace: 'CentralLogging/Errors', MetricName: 'ErrorEvents', MetricValue: '1' }] });
    }
  });

  test('errors groups: a static ceiling on each, in the group’s wiring stack', () => {
    expect(alarm('ErrorEventsCeiling-/aws/ecs/api/errors')).toMatchObject({
      Threshold: 1000,
      Namespace: 'AWS/Logs',
      MetricName: 'IncomingLogEvents',
      Statistic: 'Sum',
      Period: 300,
      Dimensions: [{ Name: 'LogGroupName', Value: '/aws/ecs/api/errors' }],
    });
    const wiring = environment.wiringStackFor('/aws/ecs/api/errors');
    Template.fromStack(wiring).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'central-logging-prod-ErrorEventsCeiling-/aws/ecs/api/errors',
      AlarmActions: [TOPIC_ARN],
    });
    expect(wiring.dependencies).toContain(environment.monitoring);
  });

  test('forwarder health: dead letters, a retry backlog over 15 minutes, Lambda errors, dropped on-failure records and throttles', () => {
    for (const f of ['sentry', 'langfuse']) {
      expect(alarm(`ForwarderDeadLetters-${f}`)).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Maximum', Threshold: 0 });
      expect(alarm(`ForwarderRetryBacklog-${f}`)).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 15 * 60 });
      expect(alarm(`ForwarderErrors-${f}`)).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Threshold: 0 });
      expect(alarm(`ForwarderThrottles-${f}`)).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Throttles', Threshold: 0 });
      // A crashed invocation Lambda could not record in the dead-letter queue is lost: the one metric that says so.
      expect(alarm(`ForwarderDestinationFailures-${f}`)).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'DestinationDeliveryFailures', Statistic: 'Sum', Threshold: 0 });
    }
    // The queues and functions of the Forwarding stack, each forwarder its own.
    expect(JSON.stringify(alarm('ForwarderDeadLetters-sentry').Dimensions)).toMatch(/SentryQueuesDeadLetterQueue/);
    expect(JSON.stringify(alarm('ForwarderRetryBacklog-langfuse').Dimensions)).toMatch(/LangfuseQueuesRetryQueue/);
    expect(JSON.stringify(alarm('ForwarderErrors-langfuse').Dimensions)).toMatch(/LangfuseFunction/);
    expect(environment.monitoring.dependencies).toContain(environment.forwarding);
  });

  test("a forwarder's errors alarm tells how Lambda retries that forwarder: Sentry twice (deduplicated), Langfuse never", () => {
    expect(environment.forwarding?.forwarders.get('sentry')?.retryAttempts).toBe(2);
    expect(environment.forwarding?.forwarders.get('langfuse')?.retryAttempts).toBe(0);
    expect(alarm('ForwarderErrors-sentry').AlarmDescription).toContain('Lambda retries each twice, then sends it to the dead-letter queue.');
    expect(alarm('ForwarderErrors-langfuse').AlarmDescription).toContain(
      'Lambda does not retry them: each crashed event goes straight to the dead-letter queue.',
    );
    expect(alarm('ForwarderErrors-langfuse').AlarmDescription).not.toMatch(/retries each/);
  });

  test('archive: records waiting more than an hour to reach S3', () => {
    expect(alarm('ArchiveDeliveryDelay')).toMatchObject({
      Namespace: 'AWS/Firehose',
      MetricName: 'DeliveryToS3.DataFreshness',
      Dimensions: [{ Name: 'DeliveryStreamName', Value: 'central-logging-prod-archive' }],
      Threshold: 3600,
    });
  });

  test('every alarm notifies the topic on ALARM and on OK', () => {
    for (const [name, resource] of alarms) {
      expect({ name, actions: resource.Properties.AlarmActions?.length, ok: resource.Properties.OKActions?.length }).toEqual({ name, actions: 1, ok: 1 });
    }
  });

  test('descriptions say what happened and name saved queries that exist, within 1,024 plain characters', () => {
    const names = loadQueryLibrary().map((q) => `central-logging/prod/${q.folder}/${q.name}`);
    for (const [name, resource] of alarms) {
      const description = resource.Properties.AlarmDescription;
      expect({ name, plain: typeof description }).toEqual({ name, plain: 'string' });
      expect(description.length).toBeLessThanOrEqual(MAX_ALARM_DESCRIPTION_LENGTH);
      const row = ALARM_TABLE.find((r) => name.startsWith(`central-logging-prod-${r.id}`))!;
      const referenced = [...description.matchAll(/saved query "([^"]+)"/g)].map((m) => m[1]);
      expect(referenced.length).toBe(row.queries.length);
      for (const query of referenced) expect(names).toContain(query);
    }
    expect(alarm('LlmLargePrompt').AlarmDescription).toContain('saved query "central-logging/prod/llm/Prompts over 100,000 tokens"');
    expect(alarm('ErrorEventsCeiling-/aws/ecs/api/errors').AlarmDescription).toContain('ecs api');
    expect(alarm('ErrorEventsAnomaly').AlarmDescription).toContain('saved query "central-logging/prod/errors/Error rate by service"');
  });
});

describe('thresholds come from config', () => {
  test('overrides reach the alarms', () => {
    const { environment } = buildEnvironment('staging', {
      config: {
        monitoring: {
          thresholds: { promptTokensPerRequest: 50_000, hourlyCostUsd: 5, latencyP95Ms: 10_000, errorRateMinimumCalls: 20, callsPerUserPerMinute: 30, errorEventsPerFiveMinutes: 200, errorAnomalyStdDevs: 2 },
        },
      },
    });
    const alarms = alarmsOf([environment.monitoring, ...environment.wiringShards]);
    const get = (n: string) => alarms.get(`central-logging-staging-${n}`)!.Properties;
    expect(get('LlmLargePrompt').Threshold).toBe(50_000);
    expect(get('LlmHourlyCost').Threshold).toBe(5);
    expect(get('LlmLatencyP95').Threshold).toBe(10_000);
    expect(get('LlmErrorRate').Metrics[0].Expression).toContain('calls >= 20');
    expect(get('LlmUserBurst-project-schema-1').Threshold).toBe(30);
    expect(get('ErrorEventsCeiling-/aws/ecs/api/errors').Threshold).toBe(200);
    expect(JSON.stringify(get('ErrorEventsAnomaly').Metrics)).toMatch(/ANOMALY_DETECTION_BAND\(\w+, 2\)/);
    // No forwarder and no archive in staging: none of their alarms.
    expect([...alarms.keys()].filter((n) => /Forwarder|Archive/.test(n))).toEqual([]);
  });

  test('bad thresholds, e-mails and endpoints are all reported at once', () => {
    const environments = {
      ...ENVIRONMENTS,
      prod: {
        ...ENVIRONMENTS.prod,
        monitoring: {
          alarmEmails: ['oncall@example.com', 'not-an-address'],
          alarmHttpsEndpoints: ['http://hooks.example.com/x', 'https://user:pw@hooks.example.com/x'],
          thresholds: { errorRatePercent: 150, promptTokensPerRequest: 1.5, nonsense: 1 } as Record<string, number>,
        },
      },
    };
    let error: ConfigError | undefined;
    try {
      resolveEnvironment('prod', { environments, secrets: {} });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual(
      expect.arrayContaining([
        'prod: monitoring.thresholds.errorRatePercent must be 0.01–100, got 150',
        'prod: monitoring.thresholds.promptTokensPerRequest must be a whole number ≥ 1, got 1.5',
        expect.stringMatching(/^prod: monitoring.thresholds: unknown threshold "nonsense"/),
        'prod: monitoring.alarmEmails: "not-an-address" is not an e-mail address',
        'prod: monitoring.alarmHttpsEndpoints: "http://hooks.example.com/x" must be an https:// URL without credentials',
        'prod: monitoring.alarmHttpsEndpoints: "https://user:pw@hooks.example.com/x" must be an https:// URL without credentials',
      ]),
    );
    expect(error!.problems).toHaveLength(6);
  });

  test('the README table is rendered from the alarm table: every row, its threshold key and its queries', () => {
    const markdown = alarmsMarkdown({ ...DEFAULT_ALARM_THRESHOLDS, hourlyCostUsd: 75 });
    for (const row of ALARM_TABLE) {
      const line = markdown.split('\n').find((l) => l.startsWith(`| \`${row.id}\``));
      expect(line).toBeDefined();
      if (row.threshold !== 'none') expect(line).toContain(`\`${row.threshold}\``);
      for (const query of row.queries) expect(line).toContain(query);
    }
    expect(markdown).toContain('> 75 (`hourlyCostUsd`)');
    expect(markdown).not.toMatch(/undefined|\[object/);
  });

  test('every threshold a row reads has a default', () => {
    for (const row of ALARM_TABLE) {
      if (row.threshold !== 'none') expect(DEFAULT_ALARM_THRESHOLDS).toHaveProperty(row.threshold);
    }
  });
});
