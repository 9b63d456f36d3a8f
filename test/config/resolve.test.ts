import { ServiceEntry } from '../../lib/config/catalogue';
import { ConfigError } from '../../lib/config/config-error';
import { EnvironmentConfig } from '../../lib/config/environment-config';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { resolveAllEnvironments, resolveEnvironment } from '../../lib/config/resolve';

const base: EnvironmentConfig = { ...ENVIRONMENTS.staging };

function resolveWith(config: Partial<EnvironmentConfig>, secrets = {}) {
  return resolveEnvironment('staging', { environments: { staging: { ...base, ...config } }, secrets });
}

function problemsOf(config: Partial<EnvironmentConfig>): readonly string[] {
  try {
    resolveWith(config);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const services = (...entries: unknown[]) => ({ services: entries as ServiceEntry[] });

describe('the shipped configuration', () => {
  test('every environment resolves, in ap-northeast-2, with no account needed', () => {
    const all = resolveAllEnvironments({ secrets: {} });
    expect(all.map((e) => e.name)).toEqual(['dev', 'staging', 'prod']);
    for (const env of all) {
      expect(env.region).toBe('ap-northeast-2');
      expect(env.account).toBeUndefined();
    }
  });

  test('removal policy is DESTROY in dev and RETAIN in staging and prod; only prod is termination-protected', () => {
    const [dev, staging, prod] = resolveAllEnvironments({ secrets: {} });
    expect([dev.removalPolicy, staging.removalPolicy, prod.removalPolicy]).toEqual(['destroy', 'retain', 'retain']);
    expect([dev.terminationProtection, staging.terminationProtection, prod.terminationProtection]).toEqual([
      false,
      false,
      true,
    ]);
  });

  test('the default catalogue shows every retention tier', () => {
    const prod = resolveEnvironment('prod', { secrets: {} });
    const tiers = new Map(prod.logGroups.map((g) => [g.type, g.retentionDays]));
    expect(Object.fromEntries(tiers)).toEqual({
      application: 14,
      errors: 90,
      llm: 60,
      audit: 365,
      lambda: 14,
      'access-logs': 7,
      'error-logs': 7,
      error: 30,
      general: 30,
      slowquery: 30,
    });
  });

  test('common tags name the project, environment, owner, cost centre and cdk', () => {
    expect(resolveEnvironment('prod', { secrets: {} }).tags).toEqual({
      Project: 'central-logging',
      Environment: 'prod',
      Owner: 'platform-team',
      CostCenter: 'eng-platform',
      ManagedBy: 'cdk',
    });
  });

  test('retention overrides per environment replace the tier', () => {
    const dev = resolveEnvironment('dev', { secrets: {} });
    expect(dev.logGroups.find((g) => g.name === '/aws/ecs/api/application')?.retentionDays).toBe(7);
    expect(dev.logGroups.find((g) => g.name === '/aws/ecs/api/audit')?.retentionDays).toBe(365);
  });

  test('the rotation Lambda runtime group is referenced, not created', () => {
    const group = resolveEnvironment('prod', { secrets: {} }).logGroups.find(
      (g) => g.name === '/aws/lambda/secrets-manager-rotation',
    );
    expect(group).toMatchObject({ type: 'lambda', existing: true });
  });
});

describe('sync states never lie', () => {
  test('without secrets, forwarding targets are pending and the rest disabled', () => {
    const env = resolveWith({});
    const byName = new Map(env.logGroups.map((g) => [g.name, g]));
    expect(byName.get('/aws/ecs/api/errors')).toMatchObject({ sentry: 'pending', langfuse: 'disabled' });
    expect(byName.get('/aws/ecs/api/application')).toMatchObject({ sentry: 'pending', sentryErrorLinesOnly: true });
    expect(byName.get('/aws/ecs/atlantis/application')).toMatchObject({ sentry: 'disabled' });
    expect(byName.get('/aws/ecs/api/llm')).toMatchObject({ sentry: 'disabled', langfuse: 'pending' });
    expect(byName.get('/aws/lambda/secrets-manager-rotation')).toMatchObject({ sentry: 'pending' });
    expect(byName.get('/aws/alb/public/access-logs')).toMatchObject({ sentry: 'disabled', langfuse: 'disabled' });
    expect(env.sentry).toBeUndefined();
  });

  test('with the DSN ciphertext, Sentry targets become enabled; Langfuse needs its public key too', () => {
    const secrets = { 'sentry-dsn': 'AQICAHg=', 'langfuse-secret-key': 'AQICAHh=' };
    const env = resolveWith({}, secrets);
    expect(env.sentry?.dsnCiphertext).toBe('AQICAHg=');
    expect(env.logGroups.filter((g) => g.sentry === 'enabled').map((g) => g.name).sort()).toEqual([
      '/aws/ecs/api/application',
      '/aws/ecs/api/errors',
      '/aws/ecs/atlantis/errors',
      '/aws/lambda/secrets-manager-rotation',
      '/aws/lambda/secrets-manager-rotation/errors',
    ]);
    expect(env.langfuse).toBeUndefined();
    expect(env.logGroups.filter((g) => g.langfuse === 'pending')).toHaveLength(2);

    const withKey = resolveWith({ langfuse: { publicKey: 'pk-lf-1234' } }, secrets);
    expect(withKey.langfuse).toMatchObject({ publicKey: 'pk-lf-1234', contentPolicy: 'redacted' });
    expect(withKey.logGroups.filter((g) => g.langfuse === 'enabled')).toHaveLength(2);
  });
});

describe('bad configuration: one error that lists every problem with the offending value', () => {
  test('unknown environment names the known ones', () => {
    expect(() => resolveEnvironment('qa', { secrets: {} })).toThrow(
      /unknown environment "qa"; known environments: dev, staging, prod/,
    );
  });

  test('unknown log type', () => {
    expect(problemsOf(services({ service: 'ecs', name: 'api', types: ['application', 'debug'] }))).toEqual([
      expect.stringMatching(/services\[0\] \(ecs "api"\): unknown log type "debug"/),
    ]);
  });

  test('a type the service cannot have', () => {
    expect(problemsOf(services({ service: 'alb', name: 'public', types: ['llm'] }))).toEqual([
      expect.stringMatching(/log type "llm" is not one of alb's: access-logs, error-logs, audit/),
    ]);
  });

  test('a name that breaks the convention', () => {
    expect(problemsOf(services({ service: 'ecs', name: 'Billing_API/v2', types: ['errors'] }))).toEqual([
      expect.stringMatching(/name "Billing_API\/v2" breaks the naming convention: must be lower-case/),
    ]);
    expect(problemsOf(services({ service: 'rds', name: 'atlantis-db', types: ['error'] }))).toEqual([
      expect.stringMatching(/name "atlantis-db" breaks the naming convention: must be "instance\/<db-identifier>"/),
    ]);
  });

  test('a duplicate group', () => {
    expect(
      problemsOf(
        services(
          { service: 'ecs', name: 'api', types: ['errors'] },
          { service: 'ecs', name: 'api', types: ['application', 'errors'] },
        ),
      ),
    ).toEqual([expect.stringMatching(/services\[1\].*duplicate log group "\/aws\/ecs\/api\/errors" \(also declared by services\[0\]\)/)]);
  });

  test('a retention CloudWatch does not accept', () => {
    expect(problemsOf({ retentionOverrides: { errors: 100 } })).toEqual([
      expect.stringMatching(/retentionOverrides\.errors: 100 days is not a retention CloudWatch accepts/),
    ]);
  });

  test('more subscription filters than CloudWatch allows on a group', () => {
    const problems = problemsOf({
      exportTypes: ['errors'],
      ...services({ service: 'ecs', name: 'api', types: ['errors'], externalSubscriptionFilters: 1 }),
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /log group "\/aws\/ecs\/api\/errors" would need 3 subscription filters \(Sentry \+ archive \+ 1 external\); CloudWatch allows 2/,
      ),
    ]);
  });

  test('every problem at once, in one error', () => {
    let error: unknown;
    try {
      resolveWith({
        region: 'seoul',
        retentionOverrides: { llm: 45 },
        ...services(
          { service: 'ecs', name: 'API', types: ['errors'] },
          { service: 'k8s', name: 'x', types: ['application'] },
          { service: 'ecs', name: 'worker', types: ['metrics'] },
        ),
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Invalid configuration \(5 problems\):/);
    for (const fragment of ['region "seoul"', 'retentionOverrides.llm: 45', 'name "API"', 'unknown service "k8s"', 'unknown log type "metrics"']) {
      expect(message).toContain(fragment);
    }
  });

  test('two environments in one account and region would collide', () => {
    const environments = {
      dev: { ...ENVIRONMENTS.dev, account: '111122223333' },
      prod: { ...ENVIRONMENTS.prod, account: '111122223333' },
    };
    expect(() => resolveAllEnvironments({ environments, secrets: {} })).toThrow(
      /prod: shares account 111122223333 and region ap-northeast-2 with dev/,
    );
  });

  test('forwarder settings out of Lambda range', () => {
    expect(problemsOf({ sentry: { memoryMiB: 64, timeoutSeconds: 901 } })).toEqual([
      expect.stringMatching(/sentry\.memoryMiB must be 128–10240, got 64/),
      expect.stringMatching(/sentry\.timeoutSeconds must be 1–900, got 901/),
    ]);
  });
});
