import { CentralLogGroup } from '../central-log-group';
import type { LoggingEnvironment } from '../logging-environment';
import { ArchiveStack } from '../stacks/archive-stack';
import { ArchiveSubscription } from './archive-subscription';

/**
 * Deploys an environment's archive when some group has `exportEnabled` (tag `ExportEnabled=true`): the stateful
 * Archive stack, and one subscription per such group in that group's wiring stack, so the tag never says `true`
 * without the subscription. Returns undefined (and creates nothing) otherwise.
 */
export function deployArchive(environment: LoggingEnvironment): ArchiveStack | undefined {
  const env = environment.environment;
  const archived = env.logGroups.filter((g) => g.exportEnabled);
  if (archived.length === 0) return undefined;

  const stack = environment.addStatefulStack(
    'Archive',
    'log archive: S3 Object Lock bucket and its Firehose delivery stream (stateful)',
    (scope, id, props) => new ArchiveStack(scope, id, { ...props, environment: env, logsKey: environment.core.logsKey }),
  );
  for (const group of archived) {
    const wiring = environment.wiringStackFor(group.name);
    new ArchiveSubscription(wiring, ArchiveSubscription.idFor(CentralLogGroup.idFor(group.name)), {
      environment: env.name,
      logGroupName: group.name,
    });
    wiring.addStackDependency(stack, 'an archive subscription needs the delivery stream and its role');
  }
  return stack;
}
