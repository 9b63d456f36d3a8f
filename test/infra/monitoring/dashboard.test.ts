import { Template } from 'aws-cdk-lib/assertions';
import { METRIC, METRICS_NAMESPACE } from '../../../lambda/pipeline/metrics';
import {
  MAX_ALARMS_PER_STATUS_WIDGET,
  MAX_GROUPS_DRAWN_EXPLICITLY,
  MAX_METRICS_PER_DASHBOARD,
  MAX_METRICS_PER_WIDGET,
} from '../../../lib/monitoring/dashboard';
import { TEST_SECRETS, buildEnvironment, syntheticCatalogue, testApp } from '../../support/app';

interface Widget {
  readonly type: string;
  readonly properties: { title?: string; metrics?: unknown[][]; alarms?: string[]; markdown?: string; right?: unknown };
}

/** The dashboard body as JSON, with every CloudFormation token replaced by a marker. */
function dashboardWidgets(template: Template): Widget[] {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = dashboard.Properties.DashboardBody;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return JSON.parse(text).widgets;
}
const titled = (widgets: Widget[], title: string) => {
  const widget = widgets.find((w) => w.properties.title === title);
  if (!widget) throw new Error(`no widget "${title}"; have ${widgets.map((w) => w.properties.title).join(' | ')}`);
  return widget;
};
/** Rows of a metric widget that are expressions, and rows that are metrics. */
const expressions = (w: Widget) => (w.properties.metrics ?? []).map((row) => row[row.length - 1] as { expression?: string }).filter((o) => o?.expression).map((o) => o.expression!);
const metricRows = (w: Widget) => (w.properties.metrics ?? []).filter((row) => typeof row[0] === 'string');

describe('dashboard of a full environment', () => {
  const { environment } = buildEnvironment('prod', { secrets: TEST_SECRETS, config: { langfuse: { publicKey: 'pk-lf-0a1b2c3d' } } });
  const template = Template.fromStack(environment.monitoring);
  const widgets = dashboardWidgets(template);

  test('is named for the environment', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'central-logging-prod' });
  });

  test('incoming events and bytes: one line per log type, summing its groups', () => {
    const events = titled(widgets, 'Incoming events by type');
    const sums = expressions(events);
    expect(sums).toHaveLength(new Set(environment.environment.logGroups.map((g) => g.type)).size);
    const errors = environment.environment.logGroups.filter((g) => g.type === 'errors').length;
    expect(sums.some((e) => e.startsWith('SUM([') && e.split(',').length === errors)).toBe(true);
    expect(metricRows(events).every((row) => row[0] === 'AWS/Logs' && row[1] === 'IncomingLogEvents')).toBe(true);
    expect(metricRows(titled(widgets, 'Incoming bytes by type')).every((row) => row[1] === 'IncomingBytes')).toBe(true);
  });

  test('errors by service: each errors group labelled with its service', () => {
    const rows = metricRows(titled(widgets, 'Errors by service'));
    expect(rows.map((row) => row[3]).sort()).toEqual(['/aws/ecs/api/errors', '/aws/ecs/atlantis/errors', '/aws/lambda/secrets-manager-rotation/errors']);
    expect(JSON.stringify(rows)).toContain('"label":"ecs api"');
  });

  test('LLM tokens and cost by model, latency percentiles, calls and failures', () => {
    expect(expressions(titled(widgets, 'LLM tokens by model (per hour)'))).toEqual([
      `SEARCH('{CentralLogging/LLM,Model} MetricName="InputTokens"', 'Sum', 3600)`,
      `SEARCH('{CentralLogging/LLM,Model} MetricName="OutputTokens"', 'Sum', 3600)`,
    ]);
    expect(expressions(titled(widgets, 'LLM cost by model (USD per hour)'))).toEqual([
      `SEARCH('{CentralLogging/LLM,Model} MetricName="CostUsd"', 'Sum', 3600)`,
    ]);
    const latency = JSON.stringify(titled(widgets, 'LLM latency (ms)').properties.metrics);
    for (const p of ['p50', 'p95', 'p99']) expect(latency).toContain(`"stat":"${p}"`);
    expect(JSON.stringify(titled(widgets, 'LLM calls and failures').properties.metrics)).toContain('FailedCalls');
  });

  test("forwarders: sent, parked and dead-lettered, from the pipeline's own metric names", () => {
    const rows = metricRows(titled(widgets, 'Forwarders: sent, parked, dead-lettered'));
    const seen = rows.map((row) => `${row[0]} ${row[1]} ${row[3]}`);
    for (const destination of ['sentry', 'langfuse']) {
      for (const name of [METRIC.sent, METRIC.parked, METRIC.deadLettered]) {
        expect(seen).toContain(`${METRICS_NAMESPACE} ${name} ${destination}`);
      }
    }
    expect(JSON.stringify(rows)).toContain('"Environment","prod"');
    expect(JSON.stringify(titled(widgets, 'Forwarder queues'))).toContain('ApproximateAgeOfOldestMessage');
  });

  test('archive deliveries', () => {
    expect(JSON.stringify(titled(widgets, 'Archive: oldest record not yet in S3 (s)'))).toContain('central-logging-prod-archive');
  });

  test('alarm states: every alarm of the environment, including those of the wiring stacks', () => {
    const alarms = widgets.filter((w) => w.type === 'alarm').flatMap((w) => w.properties.alarms ?? []);
    const names = alarms.map((arn) => arn.replace(/^.*:alarm:/, ''));
    let total = 0;
    for (const stack of [environment.monitoring, ...environment.wiringShards]) {
      for (const alarm of Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))) {
        total += 1;
        const name = alarm.Properties.AlarmName;
        expect({ name, shown: names.includes(name) || alarms.some((a) => a === 'TOKEN') }).toEqual({ name, shown: true });
      }
    }
    expect(alarms).toHaveLength(total);
    expect(names).toContain('central-logging-prod-ErrorEventsCeiling-/aws/ecs/api/errors');
  });
});

describe('dashboard of a very large catalogue', () => {
  test('stays within CloudWatch’s metrics per widget and per dashboard', () => {
    // 170 services × 3 types: just past the groups the by-type graphs draw one by one.
    const services = 170;
    expect(services * 3).toBeGreaterThan(MAX_GROUPS_DRAWN_EXPLICITLY);
    // CloudFormation's template validation (cdk.json) is skipped here: it is what takes time at this size, and the
    // other tests run it.
    const app = testApp({ '@aws-cdk/core:validateAgainstDefaultRules': false });
    const { environment } = buildEnvironment('staging', { app, config: { services: syntheticCatalogue(services) } });
    const widgets = dashboardWidgets(Template.fromStack(environment.monitoring));
    let total = 0;
    for (const widget of widgets) {
      const count = (widget.properties.metrics ?? []).length;
      expect({ widget: widget.properties.title, fits: count <= MAX_METRICS_PER_WIDGET }).toEqual({ widget: widget.properties.title, fits: true });
      expect((widget.properties.alarms ?? []).length).toBeLessThanOrEqual(MAX_ALARMS_PER_STATUS_WIDGET);
      total += count;
    }
    expect(total).toBeLessThanOrEqual(MAX_METRICS_PER_DASHBOARD);
    // By type is drawn from the busiest groups instead of summing every one.
    expect(expressions(widgets.find((w) => w.properties.title === 'Incoming events by type')!)).toEqual([
      'SELECT SUM(IncomingLogEvents) FROM SCHEMA("AWS/Logs", LogGroupName) GROUP BY LogGroupName ORDER BY SUM() DESC LIMIT 20',
    ]);
    expect(widgets.filter((w) => w.type === 'alarm').flatMap((w) => w.properties.alarms ?? []).length).toBe(
      services + 1 + 4 + environment.monitoring.userBurstRules.length,
    );
  });
});
