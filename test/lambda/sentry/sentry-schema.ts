import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';

/**
 * getsentry/sentry-data-schemas' event schema (../shared/contracts, see SOURCES.md there), compiled with the formats
 * it needs: `uuid` accepting Sentry's 32-hex ids as well as dashed ones, and the numeric formats.
 */
export const SENTRY_EVENT_SCHEMA_PATH = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'contracts', 'sentry-event.schema.json');

export function compileSentryEventSchema() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('uuid', /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i);
  ajv.addFormat('uint64', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  return ajv.compile(JSON.parse(fs.readFileSync(SENTRY_EVENT_SCHEMA_PATH, 'utf8')));
}
