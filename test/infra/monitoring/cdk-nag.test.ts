import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { TEST_SECRETS, buildEnvironment } from '../../support/app';

/** Every acknowledgement recorded under a stack: the construct path, the rule id and the reason. */
function acknowledgements(stack: Stack): Array<{ path: string; id: string; reason: string }> {
  const found: Array<{ path: string; id: string; reason: string }> = [];
  const visit = (node: IConstruct) => {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) found.push({ path: node.node.path, id, reason });
    }
    node.node.children.forEach(visit);
  };
  visit(stack);
  return found;
}

describe('cdk-nag (AwsSolutions and NIST 800-53 rev 5) on the stacks of issue 6', () => {
  test('prod with both forwarders, the archive and alarm subscribers synthesizes with no unacknowledged finding', () => {
    const { app, environment } = buildEnvironment('prod', {
      compliance: true,
      secrets: TEST_SECRETS,
      config: {
        langfuse: { publicKey: 'pk-lf-0a1b2c3d' },
        monitoring: { alarmEmails: ['oncall@example.com'], alarmHttpsEndpoints: ['https://events.pagerduty.com/integration/abc123/enqueue'] },
      },
    });
    expect(() => app.synth()).not.toThrow();

    // Acknowledgements sit on the one resource they concern, each with its reason; none on a stack.
    const archive = acknowledgements(environment.archive!);
    const rule = (id: string) => id.replace(/^[^:]+::/, '').replace(/\[.*$/, '[…]');
    expect(archive.map((a) => `${a.path} ${rule(a.id)}`).sort()).toEqual([
      'CentralLogging-prod-Archive/Archive/AccessLogs NIST.800.53.R5-S3BucketReplicationEnabled',
      'CentralLogging-prod-Archive/Archive/AccessLogs NIST.800.53.R5-S3DefaultEncryptionKMS',
      'CentralLogging-prod-Archive/Archive/Bucket NIST.800.53.R5-S3BucketReplicationEnabled',
      'CentralLogging-prod-Archive/Delivery/FirehosePolicy AwsSolutions-IAM5[…]',
    ]);
    expect(archive.find((a) => a.id.includes('IAM5'))!.id).toMatch(/\[Resource::<ArchiveBucket[0-9A-F]+\.Arn>\/\*\]$/);
    for (const a of archive) expect(a.reason.length).toBeGreaterThan(40);
    expect(acknowledgements(environment.monitoring)).toEqual([]);
    for (const wiring of environment.wiringShards) expect(acknowledgements(wiring)).toEqual([]);
  });

  test('dev (nothing exported, no forwarder) too', () => {
    const { app } = buildEnvironment('dev', { compliance: true });
    expect(() => app.synth()).not.toThrow();
  });
});
