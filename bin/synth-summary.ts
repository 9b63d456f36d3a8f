#!/usr/bin/env node
import * as fs from 'fs';
import * as path from 'path';
import { PROJECT_STACK_PREFIX } from '../lib/config/environment-config';

/**
 * Prints what `cdk synth` produced, read back from the cloud assembly (not from the config), per environment: the
 * stacks with their resource counts and template sizes, the log groups by type, and what each forwarder would
 * receive (by the groups' honest `SentrySync` / `LangfuseSync` tags and the subscription filters present).
 */
interface Template {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

export function summarise(outdir: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const byEnv = new Map<string, Array<{ name: string; template: Template; bytes: number }>>();
  for (const [name, artifact] of Object.entries<{
    type: string;
    properties?: { templateFile: string; tags?: Record<string, string> };
  }>(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties) continue;
    const file = path.join(outdir, artifact.properties.templateFile);
    const text = fs.readFileSync(file, 'utf8');
    // The stack's Environment tag, not its name: environment names may contain "-" too.
    const env = name.startsWith(`${PROJECT_STACK_PREFIX}-`) ? (artifact.properties.tags?.Environment ?? 'other') : 'other';
    byEnv.set(env, [...(byEnv.get(env) ?? []), { name, template: JSON.parse(text), bytes: Buffer.byteLength(text) }]);
  }

  const lines: string[] = [];
  for (const [env, stacks] of byEnv) {
    lines.push(`${env}:`);
    const types = new Map<string, number>();
    const sync = { SentrySync: new Map<string, number>(), LangfuseSync: new Map<string, number>() };
    const subscriptions = new Map<string, number>();
    for (const stack of stacks) {
      const resources = Object.values(stack.template.Resources ?? {});
      lines.push(`  ${stack.name}: ${resources.length} resources, ${(stack.bytes / 1024).toFixed(1)} KiB`);
      for (const resource of resources) {
        if (resource.Type === 'AWS::Logs::SubscriptionFilter') {
          const destination = JSON.stringify(resource.Properties?.DestinationArn ?? '');
          const kind = /sentry/i.test(destination) ? 'sentry' : /langfuse/i.test(destination) ? 'langfuse' : 'archive';
          subscriptions.set(kind, (subscriptions.get(kind) ?? 0) + 1);
        }
        if (resource.Type !== 'AWS::Logs::LogGroup') continue;
        const tags = new Map(
          ((resource.Properties?.Tags as Array<{ Key: string; Value: string }>) ?? []).map((t) => [t.Key, t.Value]),
        );
        const type = tags.get('LogType');
        if (!type) continue; // the forwarders' own groups are counted with their stacks, not the catalogue
        types.set(type, (types.get(type) ?? 0) + 1);
        for (const key of ['SentrySync', 'LangfuseSync'] as const) {
          const state = tags.get(key) ?? 'disabled';
          sync[key].set(state, (sync[key].get(state) ?? 0) + 1);
        }
      }
    }
    const total = [...types.values()].reduce((a, b) => a + b, 0);
    lines.push(`  log groups: ${total} (${[...types].sort().map(([t, n]) => `${t} ${n}`).join(', ')})`);
    for (const key of ['SentrySync', 'LangfuseSync'] as const) {
      const states = ['enabled', 'pending'].map((s) => `${s} ${sync[key].get(s) ?? 0}`).join(', ');
      lines.push(`  ${key === 'SentrySync' ? 'Sentry' : 'Langfuse'}: ${states} groups`);
    }
    if (subscriptions.size > 0) {
      lines.push(`  subscription filters: ${[...subscriptions].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    }
  }
  return lines.join('\n');
}

if (require.main === module) {
  const outdir = process.argv[2] ?? 'cdk.out';
  process.stdout.write(summarise(outdir) + '\n');
}
