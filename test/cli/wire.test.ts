import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXED_NOW, captureIo, cli, fixture, tempSecretsDir, testDeps } from './cli-harness';
import { WireRequest, WireServer, awsError, startWireServer } from './aws-wire-server';

/** A ciphertext already in the secrets file deploys the Sentry forwarder, so groups expect its subscription. */
const SENTRY_CIPHERTEXT = 'AQICAHi7Xb6Xk2Z4cq0mZ0a3Hn7yq0yQ0xgkC3C6hS4lB5T0mQF0hV3bYyq3tC9wq4XyW9a5AAAAfjB8';
const KEY_ARN = 'arn:aws:kms:ap-northeast-2:111122223333:key/8d2f0c1e-4b7a-4c3e-9a51-2f6d0e7b9c14';

const byTarget = (requests: readonly WireRequest[], target: string) => requests.filter((r) => r.target === target);

/** CloudWatch Logs and KMS as the audit sees them, from the recorded fixtures. */
function auditAccount(request: WireRequest) {
  const page1 = fixture('describe-log-groups-page-1.json') as { nextToken: string };
  const tags = fixture<Record<string, Record<string, string>>>('log-group-tags.json');
  const filters = fixture<Record<string, unknown[]>>('subscription-filters.json');
  switch (request.target) {
    case 'Logs_20140328.DescribeLogGroups':
      return { body: request.body.nextToken === page1.nextToken ? fixture('describe-log-groups-page-2.json') : page1 };
    case 'Logs_20140328.ListTagsForResource': {
      const name = String(request.body.resourceArn).split(':log-group:')[1];
      return { body: { tags: tags[name] ?? {} } };
    }
    case 'Logs_20140328.DescribeSubscriptionFilters':
      return { body: { subscriptionFilters: filters[String(request.body.logGroupName)] ?? [] } };
    case 'TrentService.DescribeKey':
      return { body: fixture('kms-describe-key.json') };
    case 'TrentService.GetKeyRotationStatus':
      return { body: fixture('kms-get-key-rotation-status.json') };
    default:
      return awsError('UnknownOperationException', request.target);
  }
}

describe('over the wire: CloudWatch Logs and KMS clients against a local AWS JSON endpoint', () => {
  let server: WireServer;
  afterEach(() => server?.close());

  test('audit: paginated DescribeLogGroups, per-group tags and filters, the key; exits 1 on the planted violations', async () => {
    server = await startWireServer(auditAccount);
    const deps = testDeps({ endpoint: server.endpoint, secretsDir: tempSecretsDir({ prod: { 'sentry-dsn': SENTRY_CIPHERTEXT } }) });
    const { code, out, err } = await cli(['audit', '--env', 'prod', '--output', 'json'], deps);
    expect(err).toBe('');
    expect(code).toBe(1);

    const describe = byTarget(server.requests, 'Logs_20140328.DescribeLogGroups');
    expect(describe.map((r) => r.body)).toEqual([
      { limit: 50 },
      { limit: 50, nextToken: 'AQICAHiJ7v2KpG0pWq1s3Bmn5ZxYdLQw9kz8yFZ6UoXy1FfC4gEzN7mW0J3H9oR2tUqV8sPaLb==' },
    ]);
    const tagged = byTarget(server.requests, 'Logs_20140328.ListTagsForResource').map((r) => r.body.resourceArn).sort();
    expect(tagged).toContain('arn:aws:logs:ap-northeast-2:111122223333:log-group:/aws/ecs/api/errors'); // no ":*"
    expect(tagged).toHaveLength(14); // the catalogue groups; the project's own groups and strays need no tags
    expect(byTarget(server.requests, 'Logs_20140328.DescribeSubscriptionFilters')).toHaveLength(14);
    expect(byTarget(server.requests, 'TrentService.DescribeKey')[0].body).toEqual({ KeyId: 'alias/central-logging/prod/logs' });
    expect(byTarget(server.requests, 'TrentService.GetKeyRotationStatus')[0].body).toEqual({ KeyId: KEY_ARN });
    for (const request of server.requests) {
      expect(request.headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(String(request.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/ap-northeast-2\/(logs|kms)\/aws4_request/);
    }

    const report = JSON.parse(out);
    expect(report).toMatchObject({ environment: 'prod', account: '111122223333', region: 'ap-northeast-2', generatedAt: FIXED_NOW.toISOString() });
    expect(report.key).toEqual({ alias: 'alias/central-logging/prod/logs', arn: KEY_ARN, state: 'Enabled', rotationEnabled: true });
    const failures = report.findings.filter((f: { status: string }) => f.status === 'fail').map((f: { subject: string; check: string; actual: string }) => `${f.subject} ${f.check}: ${f.actual}`);
    expect(failures).toEqual([
      '/aws/ecs/atlantis/errors subscription-sentry: no sentry subscription',
      '/aws/ecs/atlantis/llm tags: LangfuseSync missing',
      '/aws/ecs/api/application retention: 30 days',
      '/aws/lambda/secrets-manager-rotation kms-key: not encrypted with a customer managed key',
      '/aws/lambda/secrets-manager-rotation retention: never expires',
      '/aws/lambda/secrets-manager-rotation tags: Project missing, Environment missing, Owner missing, CostCenter missing, ManagedBy missing, LogType missing, RetentionDays missing, ExportEnabled missing, SentrySync missing, LangfuseSync missing',
    ]);
    expect(report.unknownGroups.map((g: { name: string; note: string }) => [g.name, g.note])).toEqual([
      ['/aws/ecs/atlantis-prod', 'not in any catalogue and breaks the naming convention /aws/<service>/<resource>/<type>: add it to the catalogue or migrate and delete it'],
      ['/aws/lambda/legacy-cron', 'not in any catalogue: add it to the catalogue or migrate and delete it'],
    ]);
    expect(report.summary).toMatchObject({ groupsPlanned: 14, failed: 6, unknownGroups: 2 });
  });

  test('query: StartQuery is retried after throttling, GetQueryResults polled, rows printed', async () => {
    let starts = 0;
    let polls = 0;
    server = await startWireServer((request) => {
      if (request.target === 'Logs_20140328.StartQuery') {
        starts += 1;
        return starts === 1 ? awsError('ThrottlingException', 'Rate exceeded') : { body: fixture('start-query.json') };
      }
      if (request.target === 'Logs_20140328.GetQueryResults') {
        polls += 1;
        return { body: polls === 1 ? fixture('get-query-results-running.json') : fixture('get-query-results-recent-errors.json') };
      }
      return awsError('UnknownOperationException', request.target);
    });
    const { code, out, err } = await cli(['query', 'recent-errors', '--env', 'prod', '--since', '1h', '--limit', '100'], testDeps({ endpoint: server.endpoint }));
    expect({ code, err }).toEqual({ code: 0, err: '3 rows · 5 log groups · 24.3 MB scanned\n' });
    const startRequests = byTarget(server.requests, 'Logs_20140328.StartQuery');
    expect(startRequests).toHaveLength(2);
    expect(startRequests[1].body).toMatchObject({
      logGroupNames: ['/aws/ecs/api/application', '/aws/ecs/api/errors', '/aws/ecs/atlantis/application', '/aws/ecs/atlantis/errors', '/aws/lambda/secrets-manager-rotation/errors'],
      startTime: FIXED_NOW.getTime() / 1000 - 3600,
      endTime: FIXED_NOW.getTime() / 1000,
      limit: 100,
    });
    expect(String(startRequests[1].body.queryString)).toMatch(/^# name: Recent errors\n/);
    expect(byTarget(server.requests, 'Logs_20140328.GetQueryResults').map((r) => r.body)).toEqual([
      { queryId: '12ab3456-12ab-123a-789e-1234567890ab' },
      { queryId: '12ab3456-12ab-123a-789e-1234567890ab' },
    ]);
    expect(out).toContain('Runtime.UnhandledPromiseRejection');
  });

  test('throttling that does not stop is reported in one line after the retries', async () => {
    server = await startWireServer(() => awsError('ThrottlingException', 'Rate exceeded'));
    const { code, err } = await cli(['query', 'recent-errors', '--env', 'prod'], testDeps({ endpoint: server.endpoint, maxAttempts: 3 }));
    expect(code).toBe(1);
    expect(err).toBe('logs-cli: throttled by AWS: StartQuery (the query, 5 log groups) still refused after 3 attempts with backoff (ThrottlingException); wait a minute and run again\n');
    expect(server.requests).toHaveLength(3);
  });

  test('access denied names the call and keeps the message that says who and what', async () => {
    const message = 'User: arn:aws:sts::111122223333:assumed-role/ReadOnly/alice is not authorized to perform: logs:DescribeLogGroups on resource: arn:aws:logs:ap-northeast-2:111122223333:log-group::log-stream: because no identity-based policy allows the logs:DescribeLogGroups action';
    server = await startWireServer((request) => (request.target.startsWith('Logs_') ? awsError('AccessDeniedException', message) : auditAccount(request)));
    const { code, err } = await cli(['audit', '--env', 'prod'], testDeps({ endpoint: server.endpoint }));
    expect({ code, err }).toEqual({ code: 1, err: `logs-cli: access denied: DescribeLogGroups (page 1): ${message}\n` });
  });

  test('secret encrypt: KMS Encrypt with the alias, the purpose context and the stdin value; the ciphertext lands in the secrets file', async () => {
    server = await startWireServer((request) => (request.target === 'TrentService.Encrypt' ? { body: fixture('kms-encrypt.json') } : awsError('UnknownOperationException', request.target)));
    const dsn = 'https://4f2c9b8e1d3a4b5c6d7e8f9a0b1c2d3e@o450123.ingest.de.sentry.io/4508123456789';
    const secretsDir = tempSecretsDir({ prod: { 'langfuse-secret-key': 'AQICAExisting==' } });
    const io = captureIo(`${dsn}\n`);
    const { code, out, err } = await cli(['secret', 'encrypt', '--env', 'prod', '--name', 'sentry-dsn'], testDeps({ endpoint: server.endpoint, secretsDir }), io);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(server.requests).toHaveLength(1);
    const [encrypt] = server.requests;
    expect(encrypt.target).toBe('TrentService.Encrypt');
    expect(encrypt.body).toEqual({
      KeyId: 'alias/central-logging/prod/logs',
      Plaintext: Buffer.from(dsn).toString('base64'),
      EncryptionContext: { purpose: 'sentry-dsn' },
    });
    const written = JSON.parse(fs.readFileSync(path.join(secretsDir, 'prod.json'), 'utf8'));
    expect(written).toEqual({ 'langfuse-secret-key': 'AQICAExisting==', 'sentry-dsn': fixture<{ CiphertextBlob: string }>('kms-encrypt.json').CiphertextBlob });
    expect(out).toContain(`Wrote ${path.join(secretsDir, 'prod.json')}`);
    expect(out + err + fs.readFileSync(path.join(secretsDir, 'prod.json'), 'utf8')).not.toContain('4f2c9b8e1d3a4b5c6d7e8f9a0b1c2d3e');
  });
});
