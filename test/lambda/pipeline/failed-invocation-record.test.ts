import { readFailedInvocationRecord } from '../../../lambda/pipeline/failed-invocation-record';
import { readRetryQueueBody, encodeParkedMessage, PARKED_FORMAT_VERSION, type ParkedMessage } from '../../../lambda/pipeline/retry-queue';
import { subscriptionEvent } from '../../fixtures/logs/cloudwatch-payload';
import { expiredInvocationRecord, failedInvocationRecord } from '../../fixtures/lambda/failed-invocation-record';

const payload = subscriptionEvent({ events: [{ message: 'ERROR db down' }] });

describe("Lambda's record of a failed invocation", () => {
  test('a crash record gives back the subscription data, why Lambda gave up and the failed request id', () => {
    expect(readFailedInvocationRecord(failedInvocationRecord(payload))).toEqual({
      kind: 'replayable',
      invocation: { data: payload.awslogs.data, condition: 'RetriesExhausted', invokeCount: 3, failedAt: '2026-11-21T09:31:12.845Z', requestId: 'e4b46cbf-b738-4b7f-8880-a18cdf61200e' },
    });
  });

  test('an invocation that expired before it ran is replayable too', () => {
    expect(readFailedInvocationRecord(expiredInvocationRecord(payload))).toMatchObject({ kind: 'replayable', invocation: { condition: 'EventAgeExceeded', invokeCount: 0 } });
  });

  test('a record whose payload Lambda dropped for size, or that is not of a subscription, says why it cannot be replayed', () => {
    expect(readFailedInvocationRecord(failedInvocationRecord(undefined))).toEqual({ kind: 'not-replayable', reason: expect.stringContaining('carries no request payload') });
    expect(readFailedInvocationRecord(failedInvocationRecord({ Records: [] }))).toEqual({ kind: 'not-replayable', reason: expect.stringContaining('no awslogs.data') });
  });

  test.each([[{ v: PARKED_FORMAT_VERSION }], [{ version: '1.0' }], [{ version: '2.0', requestContext: { condition: 'RetriesExhausted' } }], [null], ['text']])('%j is not such a record', (value) => {
    expect(readFailedInvocationRecord(value)).toEqual({ kind: 'not-a-record' });
  });
});

describe('readRetryQueueBody', () => {
  test('reads a redriven crash record as its batch parked raw, for this forwarder, marked as a replay', () => {
    const read = readRetryQueueBody(JSON.stringify(failedInvocationRecord(payload)), 'sentry');
    expect(read).toMatchObject({
      ok: true,
      message: { v: PARKED_FORMAT_VERSION, destination: 'sentry', attempt: 3, parkedAt: '2026-11-21T09:31:12.845Z', item: { kind: 'raw', data: payload.awslogs.data } },
      replaysFailedInvocation: { requestId: 'e4b46cbf-b738-4b7f-8880-a18cdf61200e' },
    });
  });

  test('reads a parked message as it was parked, with no replay mark', () => {
    const message: ParkedMessage<{ a: number }> = { v: PARKED_FORMAT_VERSION, destination: 'sentry', reason: 'HTTP 503', attempt: 1, parkedAt: '2026-11-21T09:30:00.000Z', item: { kind: 'payload', payload: { a: 1 } } };
    const [body] = encodeParkedMessage(message);
    expect(readRetryQueueBody(body, 'sentry')).toEqual({ ok: true, message });
  });

  test('a record with no payload is a failure with the reason', () => {
    expect(readRetryQueueBody(JSON.stringify(failedInvocationRecord(undefined)), 'sentry')).toEqual({ ok: false, reason: expect.stringContaining('cannot be replayed') });
  });
});
