import * as fs from 'fs';
import * as path from 'path';
import { TEST_SECRETS, buildEnvironment, testApp } from '../support/app';

/**
 * cdk-nag's AwsSolutions and NIST 800-53 rev 5 packs run on every synth; a finding that is not acknowledged (on
 * the narrowest construct, with a reason) makes synth fail. Every environment, with and without forwarders, is clean.
 */
describe.each(['dev', 'staging', 'prod'])('%s', (name) => {
  test.each([
    ['without forwarders', {}],
    ['with forwarders', TEST_SECRETS],
  ])('has no unacknowledged cdk-nag finding %s', (_label, secrets) => {
    const app = testApp();
    buildEnvironment(name, {
      app,
      config: { langfuse: { publicKey: `pk-lf-${name}-nag` } },
      secrets,
      compliance: true,
    });
    let failure: unknown;
    try {
      app.synth();
    } catch (e) {
      failure = e;
    }
    const reportFile = path.join(app.outdir, 'validation-report.json');
    const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : { pluginReports: [] };
    const violations = report.pluginReports.flatMap((r: any) =>
      (r.violations ?? []).map((v: any) => `${v.ruleName} at ${v.violatingConstructs.map((c: any) => c.constructPath).join(', ')}`),
    );
    expect(violations).toEqual([]);
    expect(failure).toBeUndefined();
  });
});
