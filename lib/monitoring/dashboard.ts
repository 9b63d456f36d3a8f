import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE } from '../../lambda/pipeline/metrics';
import { PROJECT } from '../config/environment-config';
import { LOG_TYPES } from '../config/log-types';
import { PlannedLogGroup } from '../config/resolve';
import { ArchiveHealthTarget, ForwarderHealthTarget } from './alarm-targets';
import { llmErrorRate, llmMetric, perModel } from './llm-metrics';

/** CloudWatch's dashboard quotas. */
export const MAX_METRICS_PER_WIDGET = 500;
export const MAX_METRICS_PER_DASHBOARD = 2500;
export const MAX_ALARMS_PER_STATUS_WIDGET = 100;
/** Groups drawn one metric each (events and bytes by type, errors by service) while this many or fewer exist. */
export const MAX_GROUPS_DRAWN_EXPLICITLY = 500;
/** Lines a graph shows before it is noise: past this, errors by service shows the busiest groups only. */
export const MAX_ERROR_LINES = 50;

const FIVE_MINUTES = Duration.minutes(5);
const HOUR = Duration.hours(1);
const FULL = 24;
const HALF = 12;
const HEIGHT = 6;

export interface LoggingDashboardProps {
  readonly environment: string;
  readonly logGroups: readonly PlannedLogGroup[];
  /** Every alarm of the environment, wherever it lives. */
  readonly alarms: readonly cloudwatch.IAlarm[];
  readonly alarmTopicName: string;
  readonly forwarders: readonly ForwarderHealthTarget[];
  readonly archive?: ArchiveHealthTarget;
}

/** A metric of CloudWatch Logs for one group. */
function logsMetric(metricName: string, group: string, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Logs',
    metricName,
    dimensionsMap: { LogGroupName: group },
    statistic: 'Sum',
    period: FIVE_MINUTES,
    label,
  });
}

/** The busiest groups by a metric of AWS/Logs (Metrics Insights: no list of groups needed). */
function topGroups(metricName: string, limit: number, label: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SELECT SUM(${metricName}) FROM SCHEMA("AWS/Logs", LogGroupName) GROUP BY LogGroupName ORDER BY SUM() DESC LIMIT ${limit}`,
    usingMetrics: {},
    period: FIVE_MINUTES,
    label,
  });
}

/**
 * One line per log type summing its groups; for a catalogue too large to draw group by group, the busiest groups
 * instead (their names end with their type).
 */
function byType(metricName: string, groups: readonly PlannedLogGroup[], idPrefix: string): cloudwatch.IMetric[] {
  if (groups.length > MAX_GROUPS_DRAWN_EXPLICITLY) return [topGroups(metricName, 20, '')];
  return LOG_TYPES.flatMap((type, t) => {
    const ofType = groups.filter((g) => g.type === type);
    if (ofType.length === 0) return [];
    const usingMetrics = Object.fromEntries(ofType.map((g, i) => [`${idPrefix}${t}g${i}`, logsMetric(metricName, g.name)]));
    return [
      new cloudwatch.MathExpression({
        expression: `SUM([${Object.keys(usingMetrics).join(', ')}])`,
        usingMetrics,
        period: FIVE_MINUTES,
        label: type,
      }),
    ];
  });
}

/**
 * Errors per service (its errors group's events). Past `MAX_ERROR_LINES` groups, the ten busiest (metric math SORT
 * over the groups); past what a widget can hold, the busiest groups of any type.
 */
function errorsByService(groups: readonly PlannedLogGroup[]): { readonly title: string; readonly metrics: cloudwatch.IMetric[] } {
  const errors = groups.filter((g) => g.type === 'errors');
  if (errors.length <= MAX_ERROR_LINES) {
    return {
      title: 'Errors by service',
      metrics: errors.map((g) => logsMetric('IncomingLogEvents', g.name, `${g.service} ${g.resourceName}`)),
    };
  }
  if (errors.length > MAX_GROUPS_DRAWN_EXPLICITLY) {
    return { title: 'Busiest log groups (too many errors groups to draw)', metrics: [topGroups('IncomingLogEvents', 10, '')] };
  }
  const usingMetrics = Object.fromEntries(errors.map((g, i) => [`err${i}`, logsMetric('IncomingLogEvents', g.name)]));
  return {
    title: 'Errors by service (10 busiest)',
    metrics: [new cloudwatch.MathExpression({ expression: 'SORT(METRICS(), SUM, DESC, 10)', usingMetrics, period: FIVE_MINUTES, label: '' })],
  };
}

function forwarderMetric(destination: string, environment: string, metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { Destination: destination, Environment: environment },
    statistic: 'Sum',
    period: FIVE_MINUTES,
    label: `${destination} ${metricName.toLowerCase()}`,
  });
}

function firehoseMetric(streamName: string, metricName: string, statistic: string, label: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Firehose',
    metricName,
    dimensionsMap: { DeliveryStreamName: streamName },
    statistic,
    period: FIVE_MINUTES,
    label,
  });
}

const graph = (title: string, left: cloudwatch.IMetric[], options: Partial<cloudwatch.GraphWidgetProps> = {}) =>
  new cloudwatch.GraphWidget({ title, left, width: HALF, height: HEIGHT, ...options });

/**
 * The environment's dashboard: alarm states; incoming events and bytes by type; errors by service and sensitive-
 * data findings; LLM tokens and cost by model, latency percentiles, calls and failures; the forwarders' sent,
 * parked and dead-lettered events and their queues; the archive's deliveries.
 */
export class LoggingDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: LoggingDashboardProps) {
    super(scope, id);
    const { environment, logGroups } = props;
    const rows: cloudwatch.IWidget[][] = [];

    rows.push([
      new cloudwatch.TextWidget({
        markdown: [
          `# ${PROJECT} ${environment}`,
          `Alarms notify SNS topic \`${props.alarmTopicName}\`; each alarm's description names the saved query to run next (Logs Insights → Saved queries → \`${PROJECT}/${environment}/\`).`,
        ].join('\n\n'),
        width: FULL,
        height: 2,
      }),
    ]);
    for (let i = 0; i < props.alarms.length; i += MAX_ALARMS_PER_STATUS_WIDGET) {
      const part = props.alarms.slice(i, i + MAX_ALARMS_PER_STATUS_WIDGET);
      rows.push([
        new cloudwatch.AlarmStatusWidget({
          title: i === 0 ? 'Alarms' : `Alarms (continued)`,
          alarms: [...part],
          width: FULL,
          height: Math.min(HEIGHT * 2, 2 + Math.ceil(part.length / 4)),
          sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
        }),
      ]);
    }

    const errors = errorsByService(logGroups);
    rows.push([
      graph('Incoming events by type', byType('IncomingLogEvents', logGroups, 'ev')),
      graph('Incoming bytes by type', byType('IncomingBytes', logGroups, 'by')),
    ]);
    rows.push([
      graph(errors.title, errors.metrics),
      graph('Sensitive data found (data-protection findings, top groups)', [topGroups('LogEventsWithFindings', 10, '')]),
    ]);

    if (logGroups.some((g) => g.type === 'llm')) {
      rows.push([
        graph('LLM tokens by model (per hour)', [perModel('inputTokens', 'Sum', HOUR), perModel('outputTokens', 'Sum', HOUR)]),
        graph('LLM cost by model (USD per hour)', [perModel('costUsd', 'Sum', HOUR)]),
      ]);
      rows.push([
        graph('LLM latency (ms)', [
          llmMetric('latencyMs', 'p50', FIVE_MINUTES, 'p50'),
          llmMetric('latencyMs', 'p95', FIVE_MINUTES, 'p95'),
          llmMetric('latencyMs', 'p99', FIVE_MINUTES, 'p99'),
        ]),
        graph(
          'LLM calls and failures',
          [llmMetric('latencyMs', 'SampleCount', FIVE_MINUTES, 'calls'), llmMetric('failedCalls', 'Sum', FIVE_MINUTES, 'failed')],
          { right: [llmErrorRate(1, FIVE_MINUTES)] },
        ),
      ]);
    }

    if (props.forwarders.length > 0) {
      rows.push([
        graph(
          'Forwarders: sent, parked, dead-lettered',
          props.forwarders.flatMap((f) =>
            [METRIC.sent, METRIC.parked, METRIC.deadLettered].map((name) => forwarderMetric(f.destination, environment, name)),
          ),
        ),
        graph(
          'Forwarder queues',
          props.forwarders.map((f) =>
            f.retryQueue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: FIVE_MINUTES, label: `${f.destination} retry age (s)` }),
          ),
          {
            right: props.forwarders.map((f) =>
              f.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: FIVE_MINUTES, label: `${f.destination} dead letters` }),
            ),
          },
        ),
      ]);
    }

    if (props.archive) {
      const stream = props.archive.deliveryStreamName;
      rows.push([
        graph('Archive: records in and delivered to S3', [
          firehoseMetric(stream, 'IncomingRecords', 'Sum', 'received'),
          firehoseMetric(stream, 'DeliveryToS3.Records', 'Sum', 'delivered'),
        ]),
        graph('Archive: oldest record not yet in S3 (s)', [firehoseMetric(stream, 'DeliveryToS3.DataFreshness', 'Maximum', 'freshness')]),
      ]);
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: `${PROJECT}-${environment}`,
      widgets: rows,
      defaultInterval: Duration.hours(12),
    });
  }
}
