import { CfnResource, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { MAX_RESOURCES_PER_STACK } from '../../../lib/stacks/log-groups-stack';
import { TEST_SECRETS, buildEnvironment, syntheticCatalogue, testApp } from '../../support/app';

/**
 * 1,000 services (3,000 groups: 1,000 errors groups to Sentry, 1,000 llm groups to Langfuse). Read from the
 * construct tree rather than synthesized (a full synth of ~100 stacks takes half a minute and the foundation's scale
 * test does one): every CfnResource becomes one template resource, and the tokens resolve as they would in the
 * template. Bundling is skipped (`aws:cdk:bundling-stacks: []`); forwarding.test.ts bundles.
 */
describe('a 1,000-service catalogue with both forwarders', () => {
  const { environment, resolved } = buildEnvironment('prod', {
    app: testApp({ 'aws:cdk:bundling-stacks': [] }),
    config: { services: syntheticCatalogue(1000), langfuse: { publicKey: 'pk-lf-scale' } },
    secrets: TEST_SECRETS,
  });
  const resourcesOf = (stack: Stack) =>
    stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack);

  test(`every stack, the Forwarding and every wiring stack included, stays under ${MAX_RESOURCES_PER_STACK} resources`, () => {
    expect(environment.stacks).toContain(environment.forwarding);
    for (const stack of environment.stacks) {
      expect({ stack: stack.stackName, under: resourcesOf(stack).length < MAX_RESOURCES_PER_STACK }).toEqual({
        stack: stack.stackName,
        under: true,
      });
    }
  });

  test("each function's resource policy holds one statement, however many groups feed it", () => {
    const permissions = environment.stacks.flatMap((stack) => resourcesOf(stack).filter((r) => r instanceof lambda.CfnPermission));
    const forwarding = environment.forwarding!;
    expect(forwarding.forwarders.size).toBe(2);
    for (const forwarder of forwarding.forwarders.values()) {
      const arn = JSON.stringify(forwarding.resolve(forwarder.function.functionArn));
      const own = permissions.filter((p) => JSON.stringify(Stack.of(p).resolve((p as lambda.CfnPermission).functionName)) === arn);
      expect(own).toHaveLength(1);
    }
    // Nothing else lets CloudWatch Logs invoke anything (a LambdaDestination per group would add one each).
    const fromLogs = permissions.filter((p) => (p as lambda.CfnPermission).principal === 'logs.amazonaws.com');
    expect(fromLogs).toHaveLength(2);
  });

  test('every enabled group has its subscription: 1,000 to Sentry, 1,000 to Langfuse, spread over the wiring shards', () => {
    const filters = environment.wiringShards.flatMap((stack) =>
      resourcesOf(stack)
        .filter((r): r is logs.CfnSubscriptionFilter => r instanceof logs.CfnSubscriptionFilter)
        .map((f) => JSON.stringify(stack.resolve(f.destinationArn))),
    );
    const to = (destination: string) => filters.filter((arn) => arn.includes(`:function:central-logging-prod-${destination}-forwarder`));
    expect(to('sentry')).toHaveLength(resolved.logGroups.filter((g) => g.sentry === 'enabled').length);
    expect(to('langfuse')).toHaveLength(resolved.logGroups.filter((g) => g.langfuse === 'enabled').length);
    expect(to('sentry').length).toBe(1000);
    expect(environment.wiringShards.length).toBeGreaterThan(1);
  });
});
