#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../lib/config/config-error';
import { resolveAllEnvironments, resolveEnvironment } from '../lib/config/resolve';
import { applyCompliancePacks } from '../lib/compliance';
import { LoggingEnvironment } from '../lib/logging-environment';
import { readLedger, writeLedgerIfChanged } from '../lib/sharding/stack-ledger';

/**
 * The CDK app: `-c env=<name>` builds one environment; with no `-c env` every environment synths. The stack ledger
 * (`stack-ledger.json`) is read and, when the catalogue changed, written back: commit it.
 */
function main(): void {
  const app = new App();
  const selected = app.node.tryGetContext('env') as string | undefined;
  const environments = selected ? [resolveEnvironment(selected)] : resolveAllEnvironments();
  const ledger = { ...readLedger() };
  for (const environment of environments) {
    const built = new LoggingEnvironment(app, { environment, ledger: ledger[environment.name] });
    ledger[environment.name] = built.ledger;
  }
  applyCompliancePacks(app);
  app.synth();
  if (writeLedgerIfChanged(ledger)) {
    process.stderr.write('stack-ledger.json changed: commit it with the catalogue change.\n');
  }
}

try {
  main();
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
