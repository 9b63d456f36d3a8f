/**
 * The span attributes Langfuse documents for OTLP ingestion, and only those: the mapper uses these names and the
 * contract tests assert every attribute it sends is in this list.
 *
 * Source: Langfuse, "OpenTelemetry (OTEL) for LLM Observability", section "Attribute Mapping"
 * (https://langfuse.com/integrations/native/opentelemetry#property-mapping; langfuse/langfuse-docs
 * `content/integrations/native/opentelemetry/index.mdx`, commit 011ec6949019b0b86bf5d6712861256bbaf2b21d), and
 * "Migrate custom ingestion to Langfuse v4" (`…/opentelemetry/migration-to-v4.mdx`), read 2026-11-21.
 */

export const LANGFUSE_ATTRIBUTE_SOURCE = 'https://langfuse.com/integrations/native/opentelemetry#property-mapping';

/** Trace-level attributes: Langfuse v4 reads them from every span, so they go on every span. */
export const TRACE_ATTRIBUTES = {
  name: 'langfuse.trace.name',
  userId: 'user.id',
  sessionId: 'session.id',
  release: 'langfuse.release',
  tags: 'langfuse.trace.tags',
  environment: 'langfuse.environment',
  /** Prefix: `langfuse.trace.metadata.<key>` (string values) becomes a filterable top-level metadata key. */
  metadataPrefix: 'langfuse.trace.metadata.',
} as const;

/** Observation-level attributes. */
export const OBSERVATION_ATTRIBUTES = {
  type: 'langfuse.observation.type',
  level: 'langfuse.observation.level',
  statusMessage: 'langfuse.observation.status_message',
  input: 'langfuse.observation.input',
  output: 'langfuse.observation.output',
  modelName: 'langfuse.observation.model.name',
  modelParameters: 'langfuse.observation.model.parameters',
  usageDetails: 'langfuse.observation.usage_details',
  costDetails: 'langfuse.observation.cost_details',
  completionStartTime: 'langfuse.observation.completion_start_time',
  /** Prefix: `langfuse.observation.metadata.<key>`. */
  metadataPrefix: 'langfuse.observation.metadata.',
} as const;

/** Every exact attribute name Langfuse documents (the ones this forwarder sends are a subset). */
export const DOCUMENTED_ATTRIBUTE_NAMES: readonly string[] = [
  // trace level
  'langfuse.trace.name',
  'langfuse.user.id',
  'user.id',
  'langfuse.session.id',
  'session.id',
  'langfuse.release',
  'langfuse.trace.public',
  'langfuse.trace.tags',
  'langfuse.trace.input',
  'langfuse.trace.output',
  'langfuse.version',
  'langfuse.environment',
  'deployment.environment',
  'deployment.environment.name',
  // observation level
  'langfuse.observation.type',
  'langfuse.observation.level',
  'langfuse.observation.status_message',
  'langfuse.observation.input',
  'langfuse.observation.output',
  'langfuse.observation.model.name',
  'langfuse.observation.model.parameters',
  'langfuse.observation.usage_details',
  'langfuse.observation.cost_details',
  'langfuse.observation.prompt.name',
  'langfuse.observation.prompt.version',
  'langfuse.observation.completion_start_time',
];

/** Documented prefixes whose suffix is a free metadata key. */
export const DOCUMENTED_ATTRIBUTE_PREFIXES: readonly string[] = [TRACE_ATTRIBUTES.metadataPrefix, OBSERVATION_ATTRIBUTES.metadataPrefix];

/** Resource attributes the forwarder sets (`service.name` is the documented example of a resource attribute). */
export const RESOURCE_ATTRIBUTE_NAMES: readonly string[] = ['service.name'];

/** Values of `langfuse.observation.level`. */
export const OBSERVATION_LEVELS = ['DEBUG', 'DEFAULT', 'WARNING', 'ERROR'] as const;
export type ObservationLevel = (typeof OBSERVATION_LEVELS)[number];

/**
 * Attribute keys with a path segment `__proto__`, `constructor` or `prototype` are silently dropped by Langfuse
 * (prototype-pollution guard), so metadata keys must avoid them.
 */
export const RESERVED_KEY_SEGMENTS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

export function isDocumentedAttribute(name: string): boolean {
  if (DOCUMENTED_ATTRIBUTE_NAMES.includes(name)) return true;
  return DOCUMENTED_ATTRIBUTE_PREFIXES.some((prefix) => name.startsWith(prefix) && name.length > prefix.length);
}
