import { ConfigError } from '../config/config-error';
import { ResolvedEnvironment, environmentNames, resolveEnvironment } from '../config/resolve';
import { readEnvironmentSecrets } from '../config/secrets-file';
import { usageError } from './cli-error';
import { AwsTarget, CliDeps } from './io';

type ConfigSource = Pick<CliDeps, 'environments' | 'secretsDir'>;

/** The environment named by `--env`; an unknown or invalid one is a one-line usage error that lists the known ones. */
export function loadEnvironment(name: string, source: ConfigSource): ResolvedEnvironment {
  try {
    return resolveEnvironment(name, { environments: source.environments, secrets: readEnvironmentSecrets(name, source.secretsDir) });
  } catch (error) {
    if (error instanceof ConfigError) throw usageError(error.problems.join('; '));
    throw error;
  }
}

/** `--region` wins; otherwise the region the environment is deployed to (not AWS_REGION: the groups live there). */
export const awsTarget = (environment: ResolvedEnvironment, region: string | undefined, profile: string | undefined): AwsTarget => ({
  region: region ?? environment.region,
  ...(profile ? { profile } : {}),
});

/** Every other environment that resolves (another environment's bad config is not this command's business). */
export function otherEnvironments(name: string, source: ConfigSource): ResolvedEnvironment[] {
  return environmentNames(source.environments)
    .filter((other) => other !== name)
    .flatMap((other) => {
      try {
        return [loadEnvironment(other, source)];
      } catch {
        return [];
      }
    });
}
