import * as fs from 'fs';
import * as path from 'path';
import { JsonCondition } from '../../../lib/monitoring/json-filter-pattern';
import { LlmLogFormat } from '../../../lib/monitoring/llm-metric-filters';

/** Realistic log lines of each format an `llm` group holds, as services and AWS write them. */
const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'llm-metrics');

export type JsonLine = Record<string, unknown>;

export function readLine(file: string): JsonLine {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as JsonLine;
}

/** The fixture lines of each format (llm-call/v1 has a success and a failure). */
export const LINES_BY_FORMAT: Readonly<Record<LlmLogFormat, readonly string[]>> = {
  'llm-call/v1': ['llm-call-v1.success.json', 'llm-call-v1.rate-limited.json'],
  'openai-chat-completion': ['openai-chat-completion.json'],
  'bedrock-invocation-log': ['bedrock-invocation-log.json'],
  'litellm-standard-logging-payload': ['litellm-standard-logging-payload.json'],
};
export const ALL_LINES: readonly string[] = [...Object.values(LINES_BY_FORMAT).flat(), 'not-llm.application-error.json'];

/** The value at a dotted path, or undefined. */
export function valueAt(line: unknown, field: string): unknown {
  return field.split('.').reduce<unknown>((node, key) => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    return (node as Record<string, unknown>)[key];
  }, line);
}

/**
 * Whether CloudWatch's JSON pattern condition holds on a line: a numeric comparison needs a number at the path
 * (a missing field or a string never matches), string equality an equal string.
 */
export function holds(condition: JsonCondition, line: JsonLine): boolean {
  const actual = valueAt(line, condition.field);
  if (typeof condition.value === 'number') {
    if (typeof actual !== 'number') return false;
    switch (condition.op) {
      case '>=': return actual >= condition.value;
      case '>': return actual > condition.value;
      case '<=': return actual <= condition.value;
      case '<': return actual < condition.value;
      case '=': return actual === condition.value;
      case '!=': return actual !== condition.value;
    }
  }
  if (typeof actual !== 'string') return false;
  return condition.op === '=' ? actual === condition.value : actual !== condition.value;
}

/** The `$.a.b` selectors written in a pattern or metric value, as dotted paths. */
export function selectorsIn(text: string): string[] {
  return [...text.matchAll(/\$\.([A-Za-z_][A-Za-z0-9_.]*)/g)].map((m) => m[1]);
}

/** Whether a dotted path is a declared property of the project's LLM event schema. */
export function schemaDeclares(field: string): boolean {
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'schemas', 'llm-event.schema.json'), 'utf8'));
  let node: { properties?: Record<string, unknown> } | undefined = schema;
  for (const key of field.split('.')) {
    node = node?.properties?.[key] as { properties?: Record<string, unknown> } | undefined;
    if (node === undefined) return false;
  }
  return true;
}
