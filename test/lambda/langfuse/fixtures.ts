import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE_DIR = join(__dirname, '..', '..', 'fixtures', 'llm');

/** One fixture file's text, as a service would have written it to CloudWatch (one line). */
export function fixtureLine(name: string): string {
  return JSON.stringify(JSON.parse(readFileSync(join(FIXTURE_DIR, name), 'utf8')));
}

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, name), 'utf8'));
}

export function fixtureLines(name: string): string[] {
  return readFileSync(join(FIXTURE_DIR, name), 'utf8').split('\n').filter((line) => line.trim() !== '');
}

/** CloudWatch event time used as the fallback start in parser tests. */
export const EVENT_TIME_MS = Date.UTC(2026, 10, 21, 9, 59, 0);
