import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
// Not part of cdk-nag's index: the very function AwsSolutions-IAM5 names a wildcard resource with, so the ids built
// here match the findings exactly. cdk-nag is pinned; the cdk-nag tests fail if an upgrade changes the format.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { IConstruct } from 'constructs';

/**
 * cdk-nag on every synth: the AWS Solutions pack and NIST 800-53 rev 5 (which checks log groups for KMS encryption
 * and retention). A finding fails the synth unless it is acknowledged on the narrowest construct, with a reason,
 * next to the code that causes it.
 */
export function applyCompliancePacks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
}

/**
 * AwsSolutions-IAM5 names each wildcard resource in its finding; this builds that exact id for each wildcard of the
 * statement, so that only the statement's own wildcards are acknowledged, never a wildcard added later to the same
 * policy.
 */
export function wildcardResourceFindings(stack: Stack, statement: iam.PolicyStatement): string[] {
  return statement.resources
    .map((resource) => flattenCfnReference(stack.resolve(resource)))
    .filter((resource) => resource.includes('*'))
    .map((resource) => `AwsSolutions-IAM5[Resource::${resource}]`);
}

/** Acknowledges, on `policy` only, the IAM5 findings of `statement`'s wildcard resources, with the reason. */
export function acknowledgeWildcardResources(policy: IConstruct, statement: iam.PolicyStatement, reason: string): void {
  for (const id of wildcardResourceFindings(Stack.of(policy), statement)) {
    Validations.of(policy).acknowledge({ id, reason });
  }
}
