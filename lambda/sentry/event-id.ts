import { hash } from 'node:crypto';

/**
 * A Sentry event id derived from where the log event lives: the same CloudWatch event always maps to the same id,
 * so when it is delivered twice (Lambda retry, redrive from the queue) Sentry keeps one and drops the duplicate.
 * 32 lower-case hex characters, as Sentry requires. One-shot `hash` (Node 20.12+): a Hash object per event cost
 * more than the digest.
 */
export function eventIdFor(logGroup: string, logStream: string, cloudWatchEventId: string): string {
  return hash('sha256', `${logGroup}\n${logStream}\n${cloudWatchEventId}`, 'hex').slice(0, 32);
}
