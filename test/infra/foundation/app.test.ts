import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { summarise } from '../../../bin/synth-summary';
import { ENVIRONMENTS } from '../../../lib/config/environments';
import { buildEnvironment } from '../../support/app';

const ROOT = path.join(__dirname, '..', '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

describe('bin/app.ts', () => {
  test('an unknown environment gives one clear line and no stack trace', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-app-'));
    const run = spawnSync(TSX, ['bin/app.ts'], {
      cwd: ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ env: 'qa' }), CDK_OUTDIR: out },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'Invalid configuration (1 problem):\n  - unknown environment "qa"; known environments: dev, staging, prod',
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('-c env=prod synthesizes only prod', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-app-'));
    execFileSync(TSX, ['bin/app.ts'], {
      cwd: ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ env: 'prod' }), CDK_OUTDIR: out },
    });
    const stacks = Object.keys(JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).artifacts).filter(
      (name) => name.startsWith('CentralLogging-'),
    );
    expect(stacks.length).toBeGreaterThan(0);
    expect(stacks.every((name) => name.startsWith('CentralLogging-prod-'))).toBe(true);
  });
});

describe('the synth summary', () => {
  test('reads the stacks, the groups by type and what would be forwarded back from the assembly', () => {
    const { app } = buildEnvironment('prod');
    const assembly = app.synth();
    const summary = summarise(assembly.directory);
    expect(summary).toMatch(/^prod:\n/);
    expect(summary).toMatch(/CentralLogging-prod-Core: \d+ resources, [\d.]+ KiB/);
    expect(summary).toContain(
      'log groups: 13 (access-logs 1, application 2, audit 1, error 1, error-logs 1, errors 3, general 1, llm 2, slowquery 1)',
    );
    expect(summary).toContain('Sentry: enabled 0, pending 4 groups');
    expect(summary).toContain('Langfuse: enabled 0, pending 2 groups');
  });

  test('groups stacks by their Environment tag, so an environment name with "-" stays whole', () => {
    const { app } = buildEnvironment('prod-eu', { config: { ...ENVIRONMENTS.prod, region: 'eu-west-1' } });
    const summary = summarise(app.synth().directory);
    expect(summary).toMatch(/^prod-eu:\n/);
    expect(summary).toContain('CentralLogging-prod-eu-Core');
    expect(summary).not.toMatch(/^prod:/m);
  });
});
