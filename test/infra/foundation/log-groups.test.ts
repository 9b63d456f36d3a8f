import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildEnvironment, logGroupsByName, tagsOf } from '../../support/app';

describe('log groups of the default catalogue (prod)', () => {
  const { environment, resolved } = buildEnvironment('prod');
  const shard = Template.fromStack(environment.logGroupShards[0]);
  const groups = logGroupsByName(shard);
  const core = Template.fromStack(environment.core);
  const keyLogicalId = Object.keys(core.findResources('AWS::KMS::Key'))[0];

  test('every created group follows /aws/<service>/<resource-name>/<log-type>', () => {
    expect([...groups.keys()].sort()).toEqual([
      '/aws/alb/public/access-logs',
      '/aws/alb/public/error-logs',
      '/aws/ecs/api/application',
      '/aws/ecs/api/audit',
      '/aws/ecs/api/errors',
      '/aws/ecs/api/llm',
      '/aws/ecs/atlantis/application',
      '/aws/ecs/atlantis/errors',
      '/aws/ecs/atlantis/llm',
      '/aws/lambda/secrets-manager-rotation/errors',
      '/aws/rds/instance/atlantis-db/error',
      '/aws/rds/instance/atlantis-db/general',
      '/aws/rds/instance/atlantis-db/slowquery',
    ]);
  });

  test('the existing rotation Lambda group is not created, but still published', () => {
    expect(groups.has('/aws/lambda/secrets-manager-rotation')).toBe(false);
    shard.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/central-logging/prod/log-groups/lambda/secrets-manager-rotation/name',
      Value: '/aws/lambda/secrets-manager-rotation',
    });
  });

  test.each([
    ['/aws/ecs/api/errors', 90],
    ['/aws/ecs/api/llm', 60],
    ['/aws/ecs/api/application', 14],
    ['/aws/lambda/secrets-manager-rotation/errors', 90],
    ['/aws/rds/instance/atlantis-db/slowquery', 30],
    ['/aws/alb/public/access-logs', 7],
    ['/aws/ecs/api/audit', 365],
  ])('%s keeps its tier: %i days', (name, days) => {
    expect(groups.get(name)?.Properties.RetentionInDays).toBe(days);
    expect(tagsOf(groups.get(name)!).RetentionDays).toBe(String(days));
  });

  test('every group is encrypted with the environment logs key', () => {
    for (const [name, group] of groups) {
      expect({ name, key: group.Properties.KmsKeyId }).toEqual({
        name,
        key: {
          'Fn::GetStackOutput': {
            StackName: 'CentralLogging-prod-Core',
            Region: 'ap-northeast-2',
            OutputName: expect.stringContaining(`${keyLogicalId}Arn`),
          },
        },
      });
    }
  });

  test('every group carries the common tags and the taxonomy tags', () => {
    for (const [name, group] of groups) {
      const tags = tagsOf(group);
      expect(Object.keys(tags).sort()).toEqual(
        [
          'CostCenter',
          'Environment',
          'ExportEnabled',
          'LangfuseSync',
          'LogType',
          'ManagedBy',
          'Owner',
          'Project',
          'RetentionDays',
          'SentrySync',
        ].sort(),
      );
      expect(tags).toMatchObject({ Project: 'central-logging', Environment: 'prod', ManagedBy: 'cdk' });
      expect(name.endsWith(`/${tags.LogType}`)).toBe(true);
    }
  });

  test('sync tags say pending for targets of forwarders not configured, disabled elsewhere', () => {
    expect(tagsOf(groups.get('/aws/ecs/api/errors')!)).toMatchObject({ SentrySync: 'pending', LangfuseSync: 'disabled' });
    expect(tagsOf(groups.get('/aws/ecs/api/llm')!)).toMatchObject({ SentrySync: 'disabled', LangfuseSync: 'pending' });
    expect(tagsOf(groups.get('/aws/alb/public/access-logs')!)).toMatchObject({
      SentrySync: 'disabled',
      LangfuseSync: 'disabled',
    });
  });

  test('ExportEnabled is true for the audit type in prod only', () => {
    expect(tagsOf(groups.get('/aws/ecs/api/audit')!).ExportEnabled).toBe('true');
    expect(tagsOf(groups.get('/aws/ecs/api/errors')!).ExportEnabled).toBe('false');
    const staging = logGroupsByName(Template.fromStack(buildEnvironment('staging').environment.logGroupShards[0]));
    expect(tagsOf(staging.get('/aws/ecs/api/audit')!).ExportEnabled).toBe('false');
  });

  test('prod retains every log group and the key; stacks are termination-protected', () => {
    for (const group of groups.values()) {
      expect(group).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
    core.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    for (const stack of environment.stacks) expect(stack.terminationProtection).toBe(true);
  });

  test('dev destroys its groups and is not termination-protected', () => {
    const dev = buildEnvironment('dev').environment;
    for (const group of logGroupsByName(Template.fromStack(dev.logGroupShards[0])).values()) {
      expect(group.DeletionPolicy).toBe('Delete');
    }
    for (const stack of dev.stacks) expect(stack.terminationProtection).toBe(false);
  });

  test('name and ARN of every group are published in SSM under the documented prefix, and as outputs', () => {
    expect(resolved.ssmPrefix).toBe('/central-logging/prod/log-groups');
    shard.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/central-logging/prod/log-groups/ecs/api/application/name',
      Value: '/aws/ecs/api/application',
      Type: 'String',
    });
    shard.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/central-logging/prod/log-groups/ecs/api/application/arn',
      Value: {
        'Fn::Join': ['', ['arn:aws:logs:ap-northeast-2:', { Ref: 'AWS::AccountId' }, ':log-group:/aws/ecs/api/application']],
      },
    });
    expect(Object.keys(shard.findResources('AWS::SSM::Parameter'))).toHaveLength(2 * (groups.size + 1));
    const outputs = Object.values(shard.findOutputs('*'));
    expect(outputs).toHaveLength(groups.size + 1);
    expect(outputs).toContainEqual(
      expect.objectContaining({ Description: '/aws/ecs/api/llm', Value: expect.objectContaining({ 'Fn::Join': expect.anything() }) }),
    );
  });

  test('a published parameter waits for its group', () => {
    const params = shard.findResources('AWS::SSM::Parameter', {
      Properties: { Name: '/central-logging/prod/log-groups/ecs/api/errors/arn' },
    });
    const [param] = Object.values(params);
    const groupId = Object.entries(shard.findResources('AWS::Logs::LogGroup')).find(
      ([, r]) => r.Properties.LogGroupName === '/aws/ecs/api/errors',
    )![0];
    expect(param.DependsOn).toContain(groupId);
  });

  test('no group is left without retention or encryption', () => {
    shard.allResourcesProperties('AWS::Logs::LogGroup', {
      RetentionInDays: Match.anyValue(),
      KmsKeyId: Match.anyValue(),
    });
  });
});
