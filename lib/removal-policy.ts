import { RemovalPolicy } from 'aws-cdk-lib';

/** What an environment does with its stateful resources when they leave a stack (config speaks in these words). */
export type RetainOrDestroy = 'retain' | 'destroy';

/** The CloudFormation removal policy for the config's choice; RETAIN when unset, since losing a log is the incident. */
export function removalPolicyOf(choice: RetainOrDestroy = 'retain'): RemovalPolicy {
  return choice === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}
