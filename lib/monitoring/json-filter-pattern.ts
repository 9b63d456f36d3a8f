/**
 * CloudWatch Logs JSON filter patterns, built from data rather than written as strings, so that tests can check
 * every field a pattern reads against realistic log lines (a renamed field fails a test, not a dashboard).
 */

/** A JSON field path as CloudWatch selects it, without the leading `$.` (e.g. `usage.prompt_tokens`). */
export type JsonField = string;

export type NumericOperator = '>=' | '>' | '<=' | '<' | '=' | '!=';

/** One comparison of a pattern: a numeric test, or string equality. */
export type JsonCondition =
  | { readonly field: JsonField; readonly op: NumericOperator; readonly value: number }
  | { readonly field: JsonField; readonly op: '=' | '!='; readonly value: string };

/** A field path is dot-separated identifiers; anything else would need quoting we never need. */
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** `$.usage.prompt_tokens`: the selector CloudWatch uses in patterns, metric values and dimensions. */
export function selector(field: JsonField): string {
  if (!FIELD.test(field)) throw new Error(`"${field}" is not a JSON field path (dot-separated identifiers)`);
  return `$.${field}`;
}

function renderCondition(condition: JsonCondition): string {
  const value = typeof condition.value === 'number' ? String(condition.value) : JSON.stringify(condition.value);
  return `${selector(condition.field)} ${condition.op} ${value}`;
}

/** All conditions must hold: `{ $.a >= 0 }` or `{ ($.a >= 0) && ($.b >= 400) }`. */
export function renderJsonFilterPattern(conditions: readonly JsonCondition[]): string {
  if (conditions.length === 0) throw new Error('a JSON filter pattern needs at least one condition');
  if (conditions.length === 1) return `{ ${renderCondition(conditions[0])} }`;
  return `{ ${conditions.map((c) => `(${renderCondition(c)})`).join(' && ')} }`;
}
