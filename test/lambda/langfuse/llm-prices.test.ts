import { canonicalModelName, findLlmPrice, LLM_PRICES, parsePriceOverrides } from '../../../lib/config/llm-prices';
import type { LlmCall } from '../../../lambda/langfuse/llm-call';
import { costDetails, costFromPrice } from '../../../lambda/langfuse/usage-and-cost';

describe('model-name matching', () => {
  test.each([
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['openai/gpt-4.1-mini-2025-04-14', 'gpt-4.1-mini'],
    ['o4-mini-2025-04-16', 'o4-mini'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['claude-3-5-haiku-latest', 'claude-3-5-haiku'],
    ['claude-sonnet-4@20250514', 'claude-sonnet-4'],
    ['anthropic.claude-3-5-haiku-20241022-v1:0', 'claude-3-5-haiku'],
    ['us.anthropic.claude-sonnet-4-20250514-v1:0', 'claude-sonnet-4'],
    ['global.anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5'],
    ['arn:aws:bedrock:eu-west-1:111122223333:inference-profile/eu.anthropic.claude-3-5-haiku-20241022-v1:0', 'claude-3-5-haiku'],
    ['bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0', 'claude-sonnet-4'],
    ['amazon.nova-lite-v1:0', 'nova-lite'],
    ['claude-opus-4-1-20250805', 'claude-opus-4-1'],
  ])('%s is priced as %s', (model, row) => {
    expect(findLlmPrice(model)?.model).toBe(row);
  });

  test('a dated snapshot with its own price wins over its family', () => {
    expect(findLlmPrice('gpt-4o-2024-05-13')).toMatchObject({ inputPerMTok: 5, outputPerMTok: 15 });
    expect(findLlmPrice('gpt-4o-2024-11-20')).toMatchObject({ inputPerMTok: 2.5, outputPerMTok: 10 });
  });

  test.each(['ft:gpt-4o-mini-2024-07-18:acme::9xYz', 'gpt-4o-realtime-preview-2024-12-17', 'llama3-70b', 'my-local-model', 'gpt-4o-mini-tts'])(
    'unknown or fine-tuned model %s gets no price (not the nearest family)',
    (model) => {
      expect(findLlmPrice(model)).toBeUndefined();
    },
  );

  test('canonical names drop prefixes and version suffixes but keep dates', () => {
    expect(canonicalModelName(' US.Anthropic.Claude-Sonnet-4-20250514-V1:0 ')).toBe('claude-sonnet-4-20250514');
  });

  test('every row cites an https pricing page and the day it was checked', () => {
    for (const row of LLM_PRICES) {
      expect(row.source.url).toMatch(/^https:\/\//);
      expect(row.source.seen).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(row.inputPerMTok).toBeGreaterThan(0);
      expect(row.outputPerMTok).toBeGreaterThan(0);
      expect(canonicalModelName(row.model)).toBe(row.model);
    }
    expect(new Set(LLM_PRICES.map((row) => row.model)).size).toBe(LLM_PRICES.length);
  });
});

describe('cost from the price table', () => {
  const usage = { input: 808, output: 211, cacheRead: 1024, cacheWrite: 0, total: 2043 };

  test('per-bucket cost in USD with cache reads at the cached price', () => {
    // gpt-4o: $2.50 input, $10 output, $1.25 cached input per million tokens.
    expect(costFromPrice(usage, findLlmPrice('gpt-4o')!)).toEqual({
      input: 0.00202,
      output: 0.00211,
      input_cache_read: 0.00128,
      total: 0.00541,
    });
  });

  test('Anthropic cache writes at the write price', () => {
    const cost = costFromPrice({ input: 512, output: 230, cacheRead: 4096, cacheWrite: 1024, total: 5862 }, findLlmPrice('claude-sonnet-4')!);
    expect(cost).toEqual({ input: 0.001536, output: 0.00345, input_cache_read: 0.0012288, input_cache_creation: 0.00384, total: 0.0100548 });
  });

  const call = (overrides: Partial<LlmCall>): LlmCall => ({
    format: 'llm-call/v1',
    model: 'gpt-4o',
    startNs: 0n,
    endNs: 0n,
    tags: [],
    modelParameters: {},
    failed: false,
    metadata: {},
    usage,
    ...overrides,
  });

  test('a logged cost is used as is, even when the table knows the model', () => {
    expect(costDetails(call({ costUsd: 0.00479 }), LLM_PRICES)).toEqual({ total: 0.00479 });
  });

  test('an absurd logged cost stays a number: rounding it must not overflow to Infinity (sent as null)', () => {
    // Found by the bad-input property test (seed 552608873): a mutated LiteLLM fixture with this response_cost.
    expect(costDetails(call({ costUsd: 1.797693134862316e298 }), LLM_PRICES)).toEqual({ total: 1.797693134862316e298 });
    expect(costDetails(call({ costUsd: Number.MAX_VALUE }), LLM_PRICES)).toEqual({ total: Number.MAX_VALUE });
  });

  test('an unknown model gets no cost rather than a guess', () => {
    expect(costDetails(call({ model: 'acme-internal-7b' }), LLM_PRICES)).toBeUndefined();
  });

  test('no usage, no cost', () => {
    expect(costDetails(call({ usage: undefined }), LLM_PRICES)).toBeUndefined();
  });
});

describe('LLM_PRICE_OVERRIDES', () => {
  test('an override is matched before the built-in row, by canonical name', () => {
    const { table, problems } = parsePriceOverrides('{"openai/gpt-4o": {"input": 2.25, "output": 9, "cachedInput": 1.1}}');
    expect(problems).toEqual([]);
    expect(findLlmPrice('gpt-4o-2024-08-06', table)).toMatchObject({ inputPerMTok: 2.25, outputPerMTok: 9, cachedInputPerMTok: 1.1 });
    expect(findLlmPrice('gpt-4o-2024-08-06', table)?.source.url).toBe('env:LLM_PRICE_OVERRIDES');
  });

  test('an override can price a model the table does not know', () => {
    const { table } = parsePriceOverrides('{"acme-internal-7b": {"input": 0.1, "output": 0.2}}');
    expect(findLlmPrice('acme-internal-7b', table)).toMatchObject({ inputPerMTok: 0.1 });
  });

  test.each([
    ['not json', 'not valid JSON'],
    ['[1,2]', 'must be a JSON object'],
    ['{"gpt-4o": {"input": 1}}', 'needs "input" and "output"'],
    ['{"gpt-4o": {"input": -1, "output": 2}}', 'not a non-negative number'],
    ['{"gpt-4o": 3}', 'must be an object'],
  ])('%s is reported and the built-in prices stay', (json, problem) => {
    const { table, problems } = parsePriceOverrides(json);
    expect(problems).toEqual([expect.stringContaining(problem)]);
    expect(findLlmPrice('gpt-4o', table)).toBe(findLlmPrice('gpt-4o'));
  });

  test('unset means the built-in table', () => {
    expect(parsePriceOverrides(undefined).table).toBe(LLM_PRICES);
  });
});
