import type { PlannedLogGroup, ResolvedEnvironment } from '../config/resolve';
import { CentralLogGroup } from '../central-log-group';
import type { LoggingEnvironment } from '../logging-environment';
import { ForwardingStack } from '../stacks/forwarding-stack';
import { ForwarderDestination, forwarderFunctionName, forwarderLogGroupName } from './forwarder-names';
import { ForwarderSpec } from './forwarder-spec';
import { ForwarderSubscription } from './forwarder-subscriptions';
import { langfuseForwarderSpec } from './langfuse-forwarder';
import { sentryForwarderSpec } from './sentry-forwarder';

/** The forwarders an environment deploys: those whose secrets (and, for Langfuse, public key) are configured. */
export function forwarderSpecs(environment: ResolvedEnvironment): ForwarderSpec[] {
  return [sentryForwarderSpec(environment), langfuseForwarderSpec(environment)].filter(
    (spec): spec is ForwarderSpec => spec !== undefined,
  );
}

/**
 * Deploys an environment's forwarders: each one's log group in the stateful Core stack, the functions and queues in
 * one stateless Forwarding stack, and one subscription per group whose plan says `enabled`, in that group's wiring
 * stack. Returns undefined (and creates nothing) when no forwarder is configured.
 */
export function deployForwarders(environment: LoggingEnvironment): ForwardingStack | undefined {
  const env = environment.environment;
  const specs = forwarderSpecs(env);
  if (specs.length === 0) return undefined;

  for (const spec of specs) {
    const plan = ownLogGroupPlan(env, spec.destination);
    if (env.logGroups.some((g) => g.name === plan.name)) {
      throw new Error(`${env.name}: the catalogue declares ${plan.name}, the ${spec.destination} forwarder's own log group`);
    }
    // Stateful, so in the Core stack, created before the function and kept when the Forwarding stack is replaced;
    // an explicit group also stops the runtime from creating a never-expiring, unencrypted one.
    new CentralLogGroup(environment.core, CentralLogGroup.idFor(plan.name), {
      plan,
      encryptionKey: environment.core.logsKey,
      ssmPrefix: env.ssmPrefix,
      removalPolicy: env.removalPolicy,
    });
  }

  const forwarding = environment.addStatelessStack(
    'Forwarding',
    `log forwarders to ${specs.map((s) => s.destination).join(' and ')} (stateless)`,
    (scope, id, props) => new ForwardingStack(scope, id, { ...props, environment: env, specs, encryptionKey: environment.core.logsKey }),
  );
  forwarding.addStackDependency(environment.core, 'the forwarders write to their log groups in the Core stack');

  for (const spec of specs) {
    for (const group of env.logGroups) {
      if (spec.syncOf(group) !== 'enabled') continue;
      const wiring = environment.wiringStackFor(group.name);
      new ForwarderSubscription(wiring, ForwarderSubscription.idFor(group, spec.destination), {
        destination: spec.destination,
        environmentName: env.name,
        group,
        filterPattern: spec.filterPatternFor(group),
      });
      wiring.addStackDependency(forwarding, 'a subscription needs its destination function and invoke permission');
    }
  }
  return forwarding;
}

/**
 * The forwarder's own group as the catalogue would plan it (type `lambda`, its tier). Not forwarded anywhere: a
 * forwarder subscribed to its own errors would feed on its own output.
 */
function ownLogGroupPlan(env: ResolvedEnvironment, destination: ForwarderDestination): PlannedLogGroup {
  return {
    name: forwarderLogGroupName(env.name, destination),
    service: 'lambda',
    resourceName: forwarderFunctionName(env.name, destination),
    type: 'lambda',
    retentionDays: env.retention.lambda,
    existing: false,
    exportEnabled: false,
    sentry: 'disabled',
    langfuse: 'disabled',
    sentryErrorLinesOnly: false,
    deletionProtection: env.logGroupDeletionProtection,
  };
}
