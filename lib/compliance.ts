import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';

/**
 * cdk-nag on every synth: the AWS Solutions pack and NIST 800-53 rev 5 (which checks log groups for KMS encryption
 * and retention). A finding fails the synth unless it is acknowledged on the narrowest construct, with a reason,
 * next to the code that causes it.
 */
export function applyCompliancePacks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
}
