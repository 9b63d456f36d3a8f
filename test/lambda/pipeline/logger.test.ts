import { createLogger, registerSecretForScrubbing } from '../../../lambda/pipeline/logger';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ service: 'test-forwarder', sink: (line) => lines.push(line), now: () => Date.UTC(2026, 10, 21) });
  return { logger, lines };
}

describe("the forwarder's own logs", () => {
  test('every line stays valid JSON when a value quotes a key="value" secret, and the secret is gone', () => {
    const { logger, lines } = capture();
    const error = new Error('parser bug at: {"msg":"login failed: password=\\"hunter2\\"","note":"user\\nbob@example.com"}');
    logger.error('prepare failed; event parked', { event_id: 'e-1', error });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ level: 'ERROR', service: 'test-forwarder', event_id: 'e-1', error: { name: 'Error' } });
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).not.toContain('bob@example.com');
  });

  test('a secret the container loaded never appears, even where no rule would recognise it', () => {
    registerSecretForScrubbing('opaque"secret\\value-123');
    const { logger, lines } = capture();
    logger.warn('delivery failed', { detail: 'upstream said opaque"secret\\value-123 is wrong' });
    const entry = JSON.parse(lines[0]);
    expect(entry.detail).toBe('upstream said [REDACTED:secret] is wrong');
  });

  test('stable keys come first', () => {
    const { logger, lines } = capture();
    logger.child({ request_id: 'r-1' }).info('batch done', { sent: 3 });
    expect(Object.keys(JSON.parse(lines[0]))).toEqual(['timestamp', 'level', 'service', 'message', 'request_id', 'sent']);
  });
});
