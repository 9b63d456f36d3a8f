/**
 * redactCall walks the whole call in one go under the `redacted` policy (no copy to set the content aside). It must
 * give what setting the content aside, walking the rest and redacting the content separately gives, for every
 * fixture and policy.
 */
import { readdirSync } from 'node:fs';
import { CONTENT_POLICIES, type ContentPolicy } from '../../../lambda/langfuse/content-policy';
import type { LangfuseDraft } from '../../../lambda/langfuse/destination';
import type { LlmCall } from '../../../lambda/langfuse/llm-call';
import { redactCall } from '../../../lambda/langfuse/redact-call';
import { createRedactor, type Redactor } from '../../../lambda/pipeline/redact';
import type { JsonValue } from '../../../lambda/pipeline/types';
import { FIXTURE_DIR, fixtureLine } from './fixtures';
import { FORWARDER_CONTEXT, logEvent, preparingDestination } from './prepare';

/** The content set aside in a copy, the rest walked, the content redacted (or not) on its own. */
function referenceRedactCall(call: LlmCall, policy: ContentPolicy, redactor: Redactor): Record<string, unknown> {
  const redacted = redactor.value({ ...call, input: undefined, output: undefined } as unknown as JsonValue) as unknown as Record<string, unknown>;
  if (policy === 'redacted') {
    redacted.input = call.input === undefined ? undefined : redactor.value(call.input as JsonValue);
    redacted.output = call.output === undefined ? undefined : redactor.value(call.output as JsonValue);
  } else if (policy !== 'none') {
    redacted.input = call.input;
    redacted.output = call.output;
  }
  return redacted;
}

function preparedCall(fixture: string): LlmCall {
  const result = preparingDestination().prepare(logEvent(fixtureLine(fixture)), FORWARDER_CONTEXT);
  if (result.kind !== 'payloads') throw new Error(`${fixture}: ${result.kind}`);
  return (result.payloads[0] as LangfuseDraft).call;
}

const FIXTURES = readdirSync(FIXTURE_DIR).filter((name) => name.endsWith('.json'));
const redactor = createRedactor({ extraPatterns: [/cust_\d+/g] });
/** Bigints (times) are compared as strings; undefined fields are dropped, as every reader of the call treats them. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value, (_key, field: unknown) => (typeof field === 'bigint' ? `${field}n` : field)));

describe('redactCall', () => {
  test.each(FIXTURES.flatMap((fixture) => CONTENT_POLICIES.map((policy) => [fixture, policy] as const)))('%s under %s: as the content set aside and redacted apart', (fixture, policy) => {
    const call = preparedCall(fixture);
    const before = plain(call);
    const out = redactCall(call, policy, redactor);
    expect(plain(out)).toEqual(plain(referenceRedactCall(call, policy, redactor)));
    expect(plain(call)).toEqual(before);
  });

  test('redacted: secrets in the prompt, the response and the other fields are all redacted', () => {
    const call = { ...preparedCall(FIXTURES[0]!), userId: 'bob@example.com', input: [{ role: 'user', content: 'my key is sk-proj-abcdefghijklmnopqrstuvwxyz12' }], output: 'mail bob@example.com' };
    const out = redactCall(call, 'redacted', redactor);
    expect(out.userId).toBe('[REDACTED:email]');
    expect(out.input).toEqual([{ role: 'user', content: 'my key is [REDACTED:api-key]' }]);
    expect(out.output).toBe('mail [REDACTED:email]');
    expect(call.userId).toBe('bob@example.com');
  });

  test('redacted: a call with nothing to redact comes back as itself (copy-on-write)', () => {
    const call = { ...preparedCall(FIXTURES[0]!), userId: 'u-1', metadata: {}, tags: [], input: 'hello', output: 'hi' };
    expect(redactCall(call, 'redacted', redactor)).toBe(call);
  });

  test('none: the content is gone; full and hash: it is kept as logged', () => {
    const call = { ...preparedCall(FIXTURES[0]!), input: 'mail bob@example.com', output: 'ok' };
    expect(redactCall(call, 'none', redactor)).toMatchObject({ input: undefined, output: undefined });
    expect(redactCall(call, 'full', redactor).input).toBe('mail bob@example.com');
    expect(redactCall(call, 'hash', redactor).input).toBe('mail bob@example.com');
  });
});
