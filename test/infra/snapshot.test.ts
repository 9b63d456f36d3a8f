import { Template } from 'aws-cdk-lib/assertions';
import { TEST_SECRETS, buildEnvironment } from '../support/app';

/**
 * One snapshot per environment, every stack in it, with forwarders deployed (test ciphertexts) so the snapshot
 * covers all of the infrastructure. Asset hashes are masked (test/support/asset-hash-serializer.js): a snapshot
 * changes when the infrastructure does, not when a handler's source does. Run `npx jest -u` after an intended change
 * and review the diff.
 */
describe.each(['dev', 'staging', 'prod'])('%s', (name) => {
  test('synthesizes to the reviewed templates', () => {
    const { environment } = buildEnvironment(name, {
      config: { langfuse: { publicKey: `pk-lf-${name}-snapshot` } },
      secrets: TEST_SECRETS,
    });
    const templates = Object.fromEntries(
      environment.stacks.map((stack) => [stack.stackName, Template.fromStack(stack).toJSON()]),
    );
    expect(templates).toMatchSnapshot();
  });
});
