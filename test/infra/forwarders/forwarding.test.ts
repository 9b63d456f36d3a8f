import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PlannedLogGroup, ResolvedEnvironment } from '../../../lib/config/resolve';
import { APPLICATION_ERROR_PATTERN, LAMBDA_FAILURE_PATTERN } from '../../../lib/forwarders/filter-patterns';
import { ForwarderDestination, forwarderFunctionName, forwarderLogGroupName } from '../../../lib/forwarders/forwarder-names';
import { LoggingEnvironment } from '../../../lib/logging-environment';
import type { SecretPurpose } from '../../../lambda/pipeline/secret-purposes';
import { TEST_SECRETS, buildEnvironment, tagsOf, testApp } from '../../support/app';

/**
 * The prod environment with both forwarders, synthesized once (one esbuild bundling per function) with the cdk-nag
 * packs. A developer's shell may hold the plain DSN and secret key for local runs; they are set here during synth so
 * the test proves that nothing carries them into a template or a bundle.
 */
const PLAIN_DSN = 'https://4f8e0c1d2b3a49e8a7c6d5e4f3a2b1c0@o450123.ingest.de.sentry.io/4507000000000001';
const PLAIN_LANGFUSE_SECRET = 'sk-lf-0b7e6c5d-4a3b-4c2d-9e1f-1234567890ab';
const PUBLIC_KEY = 'pk-lf-6a1c2e3f-prod';

interface Synthesized {
  readonly app: App;
  readonly environment: LoggingEnvironment;
  readonly resolved: ResolvedEnvironment;
  readonly assemblyDir: string;
  readonly failure?: unknown;
}

let prod: Synthesized;

beforeAll(() => {
  const saved = { dsn: process.env.SENTRY_DSN, secret: process.env.LANGFUSE_SECRET_KEY };
  process.env.SENTRY_DSN = PLAIN_DSN;
  process.env.LANGFUSE_SECRET_KEY = PLAIN_LANGFUSE_SECRET;
  try {
    const app = testApp();
    const built = buildEnvironment('prod', {
      app,
      config: { langfuse: { publicKey: PUBLIC_KEY, contentPolicy: 'hash' } },
      secrets: TEST_SECRETS,
      compliance: true,
    });
    let failure: unknown;
    let assemblyDir = app.outdir;
    try {
      assemblyDir = app.synth().directory;
    } catch (e) {
      failure = e;
    }
    prod = { app, environment: built.environment, resolved: built.resolved, assemblyDir, failure };
  } finally {
    restore('SENTRY_DSN', saved.dsn);
    restore('LANGFUSE_SECRET_KEY', saved.secret);
  }
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

const forwarding = () => Template.fromStack(prod.environment.forwarding!);

/** The one resource of `type` in `template` whose logical id starts with the forwarder's construct id. */
function resourceOf(template: Template, type: string, destination: ForwarderDestination): [string, any] {
  const prefix = destination === 'sentry' ? 'Sentry' : 'Langfuse';
  const found = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix));
  expect(found).toHaveLength(1);
  return found[0];
}

function functionOf(destination: ForwarderDestination): [string, any] {
  return resourceOf(forwarding(), 'AWS::Lambda::Function', destination);
}

function queuesOf(destination: ForwarderDestination): { retry: [string, any]; dlq: [string, any] } {
  const prefix = destination === 'sentry' ? 'Sentry' : 'Langfuse';
  const queues = Object.entries(forwarding().findResources('AWS::SQS::Queue')).filter(([id]) => id.startsWith(prefix));
  expect(queues).toHaveLength(2);
  const retry = queues.find(([, q]) => q.Properties.RedrivePolicy)!;
  const dlq = queues.find(([, q]) => !q.Properties.RedrivePolicy)!;
  return { retry, dlq };
}

const DESTINATIONS: readonly ForwarderDestination[] = ['sentry', 'langfuse'];

describe('synth', () => {
  test('succeeds with the AwsSolutions and NIST 800-53 r5 packs: no unacknowledged finding', () => {
    const reportFile = path.join(prod.app.outdir, 'validation-report.json');
    const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : { pluginReports: [] };
    const violations = report.pluginReports.flatMap((r: any) =>
      (r.violations ?? []).map((v: any) => `${v.ruleName} at ${v.violatingConstructs.map((c: any) => c.constructPath).join(', ')}`),
    );
    expect(violations).toEqual([]);
    expect(prod.failure).toBeUndefined();
  });

  test('creates one stateless Forwarding stack, after Core, with the common tags and termination protection', () => {
    const stack = prod.environment.forwarding!;
    expect(stack.stackName).toBe('CentralLogging-prod-Forwarding');
    expect(prod.environment.stacks).toContain(stack);
    expect(stack.dependencies).toContain(prod.environment.core);
    expect(stack.terminationProtection).toBe(true);
    const [, fn] = functionOf('sentry');
    expect(tagsOf(fn)).toMatchObject({ Project: 'central-logging', Environment: 'prod', Owner: 'platform-team' });
  });
});

describe.each(DESTINATIONS)('the %s forwarder', (destination) => {
  test('runs on the latest Node.js runtime (nodejs24.x) on arm64, sized from the config', () => {
    const [, fn] = functionOf(destination);
    expect(fn.Properties).toMatchObject({
      FunctionName: forwarderFunctionName('prod', destination),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 60,
    });
    // prod reserves 20 for Sentry; Langfuse has no reserved concurrency configured.
    expect(fn.Properties.ReservedConcurrentExecutions).toBe(destination === 'sentry' ? 20 : undefined);
    // Source maps, and heap limits sized to 256 MB (the peak-RSS target the benchmarks measure with these flags).
    expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe(
      '--enable-source-maps --max-semi-space-size=8 --max-old-space-size=128',
    );
  });

  test('ships the esbuild bundle CDK built locally: minified, with its source map, the AWS SDK left to the runtime', () => {
    const [, fn] = functionOf(destination);
    const assetDir = path.join(prod.assemblyDir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    const bundle = fs.readFileSync(path.join(assetDir, 'index.js'), 'utf8');
    expect(fs.existsSync(path.join(assetDir, 'index.js.map'))).toBe(true);
    expect(bundle).toMatch(/sourceMappingURL=index\.js\.map/);
    // Minified: a handful of very long lines, not the source's thousands of short ones.
    expect(bundle.split('\n').length).toBeLessThan(50);
    // The SDK is marked external: required at run time by name, not inlined.
    expect(bundle).toMatch(/["']@aws-sdk\/client-(sqs|kms)["']/);
    expect(bundle).not.toContain('node_modules/@aws-sdk');
  });

  test('its stacks name the TypeScript under the function’s NODE_OPTIONS, from a map that carries positions, not sources', () => {
    const [, fn] = functionOf(destination);
    const assetDir = path.join(prod.assemblyDir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    // Without sourcesContent the map stays small, and small in the heap once --enable-source-maps has read it.
    const map = JSON.parse(fs.readFileSync(path.join(assetDir, 'index.js.map'), 'utf8'));
    expect(map.sourcesContent).toBeUndefined();
    expect(map.sources.some((source: string) => source.endsWith('lambda/pipeline/forwarder.ts'))).toBe(true);
    // A frame inside the bundle: the handler calls the context's clock first, and this one throws.
    const probe = `require(${JSON.stringify(path.join(assetDir, 'index.js'))}).handler({}, { getRemainingTimeInMillis() { throw new Error('probe'); } }).catch((e) => process.stdout.write(e.stack))`;
    const stack = execFileSync(process.execPath, ['-e', probe], { env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: fn.Properties.Environment.Variables.NODE_OPTIONS } }).toString();
    expect(stack).toMatch(/lambda\/pipeline\/forwarder\.ts:\d+:\d+/);
  });

  test('writes to its own log group in the Core stack: /aws/lambda/<function>, lambda tier, logs key, retained', () => {
    const name = forwarderLogGroupName('prod', destination);
    const [, fn] = functionOf(destination);
    expect(fn.Properties.LoggingConfig).toEqual({ LogGroup: name });
    const core = Template.fromStack(prod.environment.core);
    const groups = Object.values(core.findResources('AWS::Logs::LogGroup')).filter((g) => g.Properties.LogGroupName === name);
    expect(groups).toHaveLength(1);
    const [group] = groups;
    const keyId = Object.keys(core.findResources('AWS::KMS::Key'))[0];
    expect(group.Properties.RetentionInDays).toBe(prod.resolved.retention.lambda);
    expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(group.DeletionPolicy).toBe('Retain');
    expect(prod.resolved.logGroupDeletionProtection).toBe(true);
    expect(group.Properties.DeletionProtectionEnabled).toBe(true);
    // Its own errors are not forwarded anywhere: the forwarder would feed on itself.
    expect(tagsOf(group)).toMatchObject({ LogType: 'lambda', SentrySync: 'disabled', LangfuseSync: 'disabled' });
    // The stateless stack creates no group (and the runtime's never-expiring default is never used).
    expect(forwarding().findResources('AWS::Logs::LogGroup')).toEqual({});
  });

  test('parks in a retry queue encrypted with the logs key, TLS-only, redriven to an encrypted TLS-only DLQ after 5 receives', () => {
    const { retry, dlq } = queuesOf(destination);
    const logsKey = retry[1].Properties.KmsMasterKeyId;
    expect(logsKey['Fn::GetStackOutput']).toMatchObject({ StackName: 'CentralLogging-prod-Core' });
    expect(logsKey['Fn::GetStackOutput'].OutputName).toMatch(/LogsKey.*Arn/);
    expect(dlq[1].Properties.KmsMasterKeyId).toEqual(logsKey);
    expect(retry[1].Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlq[0], 'Arn'] }, maxReceiveCount: 5 });
    // Six function timeouts, so a message is not received again while an invocation still holds it.
    expect(retry[1].Properties.VisibilityTimeout).toBe(360);
    // A moved message keeps its enqueue time: the DLQ must keep messages longer than the retry queue.
    expect(dlq[1].Properties.MessageRetentionPeriod).toBeGreaterThan(retry[1].Properties.MessageRetentionPeriod);
    expect(retry[1].DeletionPolicy).toBe('Retain');
    for (const [queueId] of [retry, dlq]) {
      const policies = Object.values(forwarding().findResources('AWS::SQS::QueuePolicy')).filter(
        (p) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: queueId }]),
      );
      expect(policies).toHaveLength(1);
      expect(policies[0].Properties.PolicyDocument.Statement).toContainEqual({
        Action: 'sqs:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
      });
    }
  });

  test('consumes its retry queue with partial batch responses', () => {
    const { retry } = queuesOf(destination);
    const [fnId] = functionOf(destination);
    const [, mapping] = resourceOf(forwarding(), 'AWS::Lambda::EventSourceMapping', destination);
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [retry[0], 'Arn'] },
      FunctionName: { Ref: fnId },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const [, fn] = functionOf(destination);
    expect(fn.Properties.Environment.Variables).toMatchObject({ RETRY_QUEUE_URL: { Ref: retry[0] }, RETRY_MAX_RECEIVES: '5' });
  });

  test('sends payloads the destination refused for good straight to the DLQ, which the role may write to', () => {
    const { dlq } = queuesOf(destination);
    const [, fn] = functionOf(destination);
    expect(fn.Properties.Environment.Variables.DEAD_LETTER_QUEUE_URL).toEqual({ Ref: dlq[0] });
    forwarding().hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [dlq[0], 'Arn'] } }),
        ]),
      },
    });
  });

  test('sends a crashed invocation to the DLQ (on-failure destination), retrying only where the destination drops duplicates', () => {
    const { dlq } = queuesOf(destination);
    const [, config] = resourceOf(forwarding(), 'AWS::Lambda::EventInvokeConfig', destination);
    expect(config.Properties.DestinationConfig).toEqual({ OnFailure: { Destination: { 'Fn::GetAtt': [dlq[0], 'Arn'] } } });
    expect(config.Properties.MaximumRetryAttempts).toBe(destination === 'sentry' ? 2 : 0);
  });

  test('has exactly one resource-policy statement: logs.amazonaws.com from any log group of this account and region', () => {
    const [fnId] = functionOf(destination);
    const permissions = Object.values(forwarding().findResources('AWS::Lambda::Permission')).filter((p) =>
      JSON.stringify(p.Properties.FunctionName).includes(fnId),
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0].Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      Principal: 'logs.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: { 'Fn::Join': ['', ['arn:aws:logs:ap-northeast-2:', { Ref: 'AWS::AccountId' }, ':log-group:*']] },
    });
  });
});

describe('settings passed to the functions', () => {
  test('each function gets exactly its settings: environment, retry queue, redaction, destination knobs, its ciphertext', () => {
    const variables = (d: ForwarderDestination) => Object.keys(functionOf(d)[1].Properties.Environment.Variables).sort();
    const shared = ['DEAD_LETTER_QUEUE_URL', 'LOGS_ENVIRONMENT', 'NODE_OPTIONS', 'REDACT_EXTRA_PATTERNS', 'RETRY_MAX_RECEIVES', 'RETRY_QUEUE_URL'];
    expect(variables('sentry')).toEqual(
      [...shared, 'MAX_EVENTS_PER_FINGERPRINT', 'SENTRY_DSN_CIPHERTEXT', 'SENTRY_ENVIRONMENT'].sort(),
    );
    expect(variables('langfuse')).toEqual(
      [...shared, 'LANGFUSE_BASE_URL', 'LANGFUSE_CONTENT_POLICY', 'LANGFUSE_ENVIRONMENT', 'LANGFUSE_PUBLIC_KEY', 'LANGFUSE_SECRET_KEY_CIPHERTEXT'].sort(),
    );
    expect(functionOf('sentry')[1].Properties.Environment.Variables).toMatchObject({
      SENTRY_ENVIRONMENT: 'prod',
      LOGS_ENVIRONMENT: 'prod',
      MAX_EVENTS_PER_FINGERPRINT: '10',
      REDACT_EXTRA_PATTERNS: '[]',
    });
    expect(functionOf('langfuse')[1].Properties.Environment.Variables).toMatchObject({
      LANGFUSE_ENVIRONMENT: 'prod',
      LANGFUSE_BASE_URL: 'https://cloud.langfuse.com',
      LANGFUSE_PUBLIC_KEY: PUBLIC_KEY,
      LANGFUSE_CONTENT_POLICY: 'hash',
    });
  });

  test('releases, the fingerprint cap, sizing and extra redaction patterns come from the environment config', () => {
    const app = testApp({ 'aws:cdk:bundling-stacks': [] });
    const { environment } = buildEnvironment('dev', {
      app,
      config: {
        redactionPatterns: ['CUST-[0-9]{6}', 'acct_[A-Za-z0-9]{12}'],
        sentry: { release: 'api@2026.11.3', maxEventsPerFingerprint: 3, memoryMiB: 512, timeoutSeconds: 120, reservedConcurrency: 4 },
        langfuse: { publicKey: PUBLIC_KEY, release: 'llm-gateway@7', baseUrl: 'https://langfuse.internal.example.com' },
      },
      secrets: TEST_SECRETS,
    });
    const fns = Object.values(Template.fromStack(environment.forwarding!).findResources('AWS::Lambda::Function'));
    const byName = new Map(fns.map((f) => [f.Properties.FunctionName, f.Properties]));
    const sentry = byName.get('central-logging-dev-sentry-forwarder')!;
    expect(sentry).toMatchObject({ MemorySize: 512, Timeout: 120, ReservedConcurrentExecutions: 4 });
    expect(sentry.Environment.Variables).toMatchObject({
      SENTRY_RELEASE: 'api@2026.11.3',
      MAX_EVENTS_PER_FINGERPRINT: '3',
      REDACT_EXTRA_PATTERNS: '["CUST-[0-9]{6}","acct_[A-Za-z0-9]{12}"]',
    });
    const langfuse = byName.get('central-logging-dev-langfuse-forwarder')!;
    expect(langfuse.Environment.Variables).toMatchObject({
      LANGFUSE_RELEASE: 'llm-gateway@7',
      LANGFUSE_BASE_URL: 'https://langfuse.internal.example.com',
      REDACT_EXTRA_PATTERNS: '["CUST-[0-9]{6}","acct_[A-Za-z0-9]{12}"]',
    });
    // dev destroys what it removes, queues included; a longer timeout lengthens the retry queue's visibility.
    const queues = Object.values(Template.fromStack(environment.forwarding!).findResources('AWS::SQS::Queue'));
    expect(queues.every((q) => q.DeletionPolicy === 'Delete')).toBe(true);
    expect(queues.map((q) => q.Properties.VisibilityTimeout)).toContain(720);
  });
});

describe('secrets', () => {
  const PURPOSE: Record<ForwarderDestination, SecretPurpose> = { sentry: 'sentry-dsn', langfuse: 'langfuse-secret-key' };
  const CIPHERTEXT_ENV: Record<ForwarderDestination, string> = {
    sentry: 'SENTRY_DSN_CIPHERTEXT',
    langfuse: 'LANGFUSE_SECRET_KEY_CIPHERTEXT',
  };

  function statementsOf(destination: ForwarderDestination): any[] {
    const [roleId, role] = resourceOf(forwarding(), 'AWS::IAM::Role', destination);
    expect(role.Properties.Policies).toBeUndefined();
    const policyIds = role.Properties.ManagedPolicyArns.map((arn: any) => arn.Ref);
    // Only our own customer-managed policy: no AWS managed policy, no inline policy.
    expect(policyIds).toHaveLength(1);
    expect(roleId).toBeDefined();
    return forwarding().findResources('AWS::IAM::ManagedPolicy')[policyIds[0]].Properties.PolicyDocument.Statement;
  }

  test.each(DESTINATIONS)('%s: only the ciphertext is in the environment, never the plain value', (destination) => {
    const [, fn] = functionOf(destination);
    const variables = fn.Properties.Environment.Variables;
    expect(variables[CIPHERTEXT_ENV[destination]]).toBe(TEST_SECRETS[PURPOSE[destination]]);
    expect(variables).not.toHaveProperty('SENTRY_DSN');
    expect(variables).not.toHaveProperty('LANGFUSE_SECRET_KEY');
  });

  test.each(DESTINATIONS)('%s: may kms:Decrypt the logs key only under its own purpose, or through SQS for its queues', (destination) => {
    const decrypts = statementsOf(destination).filter((s) => [s.Action].flat().includes('kms:Decrypt'));
    expect(decrypts).toHaveLength(2);
    const secret = decrypts.find((s) => s.Condition?.StringEquals?.['kms:EncryptionContext:purpose']);
    expect(secret).toMatchObject({
      Action: 'kms:Decrypt',
      Effect: 'Allow',
      Condition: {
        StringEquals: { 'kms:EncryptionContext:purpose': PURPOSE[destination] },
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['purpose'] },
      },
    });
    expect(secret.Resource['Fn::GetStackOutput'].OutputName).toMatch(/LogsKey.*Arn/);
    const { retry, dlq } = queuesOf(destination);
    const queue = decrypts.find((s) => s !== secret);
    expect(queue.Condition.StringEquals['kms:ViaService']).toEqual({ 'Fn::Join': ['', ['sqs.ap-northeast-2.', { Ref: 'AWS::URLSuffix' }]] });
    expect(queue.Condition.StringEquals['kms:EncryptionContext:aws:sqs:arn']).toEqual([
      { 'Fn::GetAtt': [retry[0], 'Arn'] },
      { 'Fn::GetAtt': [dlq[0], 'Arn'] },
    ]);
    // No other KMS permission at all, and nothing on `*`.
    const kms = statementsOf(destination).filter((s) => JSON.stringify(s.Action).includes('kms:'));
    expect(kms).toEqual(decrypts);
    for (const statement of statementsOf(destination)) expect(statement.Resource).not.toBe('*');
  });

  test('no IAM inline or default policy exists that a grant helper could have widened', () => {
    expect(forwarding().findResources('AWS::IAM::Policy')).toEqual({});
  });

  test('neither plain secret appears in any template or bundle of the cloud assembly', () => {
    const seen: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else seen.push(file);
      }
    };
    walk(prod.assemblyDir);
    const templates = seen.filter((f) => f.endsWith('.template.json'));
    expect(templates.length).toBeGreaterThan(3);
    let ciphertextFound = false;
    for (const file of seen) {
      const text = fs.readFileSync(file, 'utf8');
      expect({ file, dsn: text.includes(PLAIN_DSN), key: text.includes(PLAIN_LANGFUSE_SECRET) }).toEqual({
        file,
        dsn: false,
        key: false,
      });
      // The DSN's key and project id alone would be a leak too.
      expect(text.includes('4f8e0c1d2b3a49e8a7c6d5e4f3a2b1c0')).toBe(false);
      ciphertextFound ||= text.includes(TEST_SECRETS['sentry-dsn']);
    }
    expect(ciphertextFound).toBe(true);
  });
});

describe('subscriptions and sync tags', () => {
  /** Every subscription filter of the environment: group name → destination → the filter's properties. */
  function subscriptions(environment: LoggingEnvironment): Map<string, Map<ForwarderDestination, any>> {
    const result = new Map<string, Map<ForwarderDestination, any>>();
    for (const stack of environment.stacks) {
      for (const filter of Object.values(Template.fromStack(stack).findResources('AWS::Logs::SubscriptionFilter'))) {
        const arn = JSON.stringify(filter.Properties.DestinationArn);
        const destination = DESTINATIONS.find((d) => arn.includes(`:function:${forwarderFunctionName(environment.environment.name, d)}`));
        if (!destination) continue;
        const group = filter.Properties.LogGroupName as string;
        if (!result.has(group)) result.set(group, new Map());
        expect(result.get(group)!.has(destination)).toBe(false);
        result.get(group)!.set(destination, { ...filter.Properties, stack });
      }
    }
    return result;
  }

  /** The SentrySync / LangfuseSync tags of every created group, from the synthesized templates. */
  function syncTags(environment: LoggingEnvironment): Map<string, Record<string, string>> {
    const result = new Map<string, Record<string, string>>();
    for (const stack of environment.logGroupShards) {
      for (const group of Object.values(Template.fromStack(stack).findResources('AWS::Logs::LogGroup'))) {
        result.set(group.Properties.LogGroupName, tagsOf(group));
      }
    }
    return result;
  }

  const TAG: Record<ForwarderDestination, string> = { sentry: 'SentrySync', langfuse: 'LangfuseSync' };

  test('a group is subscribed to a forwarder exactly when its synthesized tag says enabled, over the whole environment', () => {
    const subscribed = subscriptions(prod.environment);
    const tags = syncTags(prod.environment);
    expect(tags.size).toBeGreaterThan(10);
    for (const [group, groupTags] of tags) {
      for (const destination of DESTINATIONS) {
        expect({ group, destination, subscribed: subscribed.get(group)?.has(destination) ?? false }).toEqual({
          group,
          destination,
          subscribed: groupTags[TAG[destination]] === 'enabled',
        });
      }
    }
    // Groups that exist outside the project carry no tags; their plan decides, and is kept as well.
    for (const group of prod.resolved.logGroups.filter((g) => g.existing)) {
      expect(subscribed.get(group.name)?.has('sentry') ?? false).toBe(group.sentry === 'enabled');
    }
  });

  test('every errors group forwards all events; the opted-in application group error lines; the Lambda group runtime failures', () => {
    const subscribed = subscriptions(prod.environment);
    const expected = (g: PlannedLogGroup) =>
      g.type === 'errors' ? '' : g.type === 'application' ? APPLICATION_ERROR_PATTERN : LAMBDA_FAILURE_PATTERN;
    const sentryGroups = prod.resolved.logGroups.filter((g) => g.sentry === 'enabled');
    expect(sentryGroups.map((g) => g.type).sort()).toEqual(['application', 'errors', 'errors', 'errors', 'lambda']);
    for (const group of sentryGroups) {
      expect({ group: group.name, pattern: subscribed.get(group.name)?.get('sentry')?.FilterPattern }).toEqual({
        group: group.name,
        pattern: expected(group),
      });
    }
    // atlantis did not opt in: its application group stays out of Sentry.
    expect(subscribed.get('/aws/ecs/atlantis/application')).toBeUndefined();
    for (const group of prod.resolved.logGroups.filter((g) => g.type === 'llm')) {
      expect(subscribed.get(group.name)?.get('langfuse')?.FilterPattern).toBe('');
    }
  });

  test("each subscription lives in its group's wiring stack, names the function by ARN and waits for the Forwarding stack", () => {
    for (const [group, byDestination] of subscriptions(prod.environment)) {
      for (const [destination, filter] of byDestination) {
        const stack: Stack = filter.stack;
        expect(stack).toBe(prod.environment.wiringStackFor(group));
        expect(stack.dependencies).toContain(prod.environment.forwarding);
        expect(filter.FilterName).toBe(`central-logging-${destination}-forwarder`);
        expect(filter.DestinationArn).toEqual({
          'Fn::Join': ['', ['arn:aws:lambda:ap-northeast-2:', { Ref: 'AWS::AccountId' }, `:function:${forwarderFunctionName('prod', destination)}`]],
        });
      }
    }
  });

  test('without any secret: no forwarder, no subscription, and every target group says pending', () => {
    const { environment, resolved } = buildEnvironment('prod', { secrets: {} });
    expect(environment.forwarding).toBeUndefined();
    expect(environment.stacks.map((s) => s.stackName)).not.toContain('CentralLogging-prod-Forwarding');
    expect(subscriptions(environment).size).toBe(0);
    const tags = syncTags(environment);
    for (const group of resolved.logGroups.filter((g) => !g.existing)) {
      expect(tags.get(group.name)).toMatchObject({
        SentrySync: ['errors', 'lambda'].includes(group.type) || group.name === '/aws/ecs/api/application' ? 'pending' : 'disabled',
        LangfuseSync: group.type === 'llm' ? 'pending' : 'disabled',
      });
    }
  });

  test('with the DSN only: the Sentry forwarder alone, and the llm groups still say LangfuseSync=pending', () => {
    const app = testApp({ 'aws:cdk:bundling-stacks': [] });
    const { environment } = buildEnvironment('prod', { app, secrets: { 'sentry-dsn': TEST_SECRETS['sentry-dsn'] } });
    const functions = Object.values(Template.fromStack(environment.forwarding!).findResources('AWS::Lambda::Function'));
    expect(functions.map((f) => f.Properties.FunctionName)).toEqual(['central-logging-prod-sentry-forwarder']);
    const subscribed = subscriptions(environment);
    const tags = syncTags(environment);
    for (const [group, groupTags] of tags) {
      expect(subscribed.get(group)?.has('langfuse') ?? false).toBe(false);
      if (group.endsWith('/llm')) expect(groupTags.LangfuseSync).toBe('pending');
      expect(subscribed.get(group)?.has('sentry') ?? false).toBe(groupTags.SentrySync === 'enabled');
    }
  });
});
