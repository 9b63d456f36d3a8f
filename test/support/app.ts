import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ServiceEntry } from '../../lib/config/catalogue';
import { EnvironmentConfig } from '../../lib/config/environment-config';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { ResolvedEnvironment, resolveEnvironment } from '../../lib/config/resolve';
import { EnvironmentSecrets } from '../../lib/config/secrets-file';
import type { SecretPurpose } from '../../lambda/pipeline/secret-purposes';
import { applyCompliancePacks } from '../../lib/compliance';
import { LoggingEnvironment } from '../../lib/logging-environment';

const CDK_JSON = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'));

/** Base64 stand-ins for KMS ciphertexts: opaque bytes, as the real ones are; never a plain secret. */
export const TEST_SECRETS: Readonly<Record<SecretPurpose, string>> = {
  'sentry-dsn': Buffer.from('test-ciphertext-of-a-sentry-dsn').toString('base64'),
  'langfuse-secret-key': Buffer.from('test-ciphertext-of-a-langfuse-secret-key').toString('base64'),
};

/** An app with the same feature flags as `cdk.json`, synthesizing into a fresh temporary directory. */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({
    context: { ...CDK_JSON.context, ...context },
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-test-')),
  });
}

export interface BuildOptions {
  /** Replaces fields of the shipped environment's config. */
  readonly config?: Partial<EnvironmentConfig>;
  /** @default - no secrets: no forwarder deployed */
  readonly secrets?: EnvironmentSecrets;
  readonly ledger?: Readonly<Record<string, number>>;
  readonly groupsPerShard?: number;
  /** Run the cdk-nag packs. @default false */
  readonly compliance?: boolean;
  readonly app?: App;
}

export interface BuiltEnvironment {
  readonly app: App;
  readonly resolved: ResolvedEnvironment;
  readonly environment: LoggingEnvironment;
}

/** Builds one environment the way `bin/app.ts` does, with the config optionally altered. */
export function buildEnvironment(name: string, options: BuildOptions = {}): BuiltEnvironment {
  const app = options.app ?? testApp();
  const environments = { ...ENVIRONMENTS, [name]: { ...ENVIRONMENTS[name], ...options.config } as EnvironmentConfig };
  const resolved = resolveEnvironment(name, { environments, secrets: options.secrets ?? {} });
  const environment = new LoggingEnvironment(app, {
    environment: resolved,
    ledger: options.ledger,
    groupsPerShard: options.groupsPerShard,
  });
  if (options.compliance) applyCompliancePacks(app);
  return { app, resolved, environment };
}

/** A catalogue of `count` ECS services with the three ECS types, named so they sort in creation order. */
export function syntheticCatalogue(count: number, offset = 0): ServiceEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    service: 'ecs' as const,
    name: `svc-${String(i + offset).padStart(4, '0')}`,
    types: ['application', 'errors', 'llm'] as const,
  }));
}

/** Every log group resource of a template, keyed by its name. */
export function logGroupsByName(template: Template): Map<string, Record<string, any>> {
  const result = new Map<string, Record<string, any>>();
  for (const resource of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
    result.set(resource.Properties.LogGroupName, resource);
  }
  return result;
}

export function tagsOf(resource: Record<string, any>): Record<string, string> {
  return Object.fromEntries((resource.Properties.Tags ?? []).map((t: { Key: string; Value: string }) => [t.Key, t.Value]));
}
