import { DEFAULT_CATALOGUE } from './catalogue';
import { EnvironmentConfig } from './environment-config';

/**
 * The environments. Add one by adding a key; `-c env=<name>` selects it, and with no `-c env` all of them synth.
 *
 * Accounts are left out so that `npm run synth` needs no credentials; set `account` (or deploy with the target
 * account's credentials) per environment. One account per environment is the model: two environments in the same
 * account and region would create the same group names, which validation refuses.
 */
export const ENVIRONMENTS: Readonly<Record<string, EnvironmentConfig>> = {
  dev: {
    owner: 'platform-team',
    costCenter: 'eng-platform',
    removalPolicy: 'destroy',
    terminationProtection: false,
    retentionOverrides: { application: 7, errors: 30, llm: 30 },
    services: DEFAULT_CATALOGUE,
    sentry: { maxEventsPerFingerprint: 5 },
    langfuse: { contentPolicy: 'full' },
  },
  staging: {
    owner: 'platform-team',
    costCenter: 'eng-platform',
    removalPolicy: 'retain',
    terminationProtection: false,
    services: DEFAULT_CATALOGUE,
    langfuse: { contentPolicy: 'redacted' },
  },
  prod: {
    owner: 'platform-team',
    costCenter: 'eng-platform',
    removalPolicy: 'retain',
    terminationProtection: true,
    logGroupDeletionProtection: true,
    exportTypes: ['audit'],
    services: DEFAULT_CATALOGUE,
    sentry: { reservedConcurrency: 20 },
    langfuse: { contentPolicy: 'redacted' },
  },
};
