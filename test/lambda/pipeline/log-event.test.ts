import { logEvent } from '../../../lambda/pipeline/log-event';
import type { LogEventFields } from '../../../lambda/pipeline/types';

const FIELDS: LogEventFields = {
  id: '37719999372640478163573591346497413537837468512318914560',
  timestamp: Date.UTC(2026, 10, 21, 9, 30),
  message: '{"level":"error","msg":"payment declined","order_id":"o-1842"}',
  logGroup: '/aws/ecs/checkout/errors',
  logStream: 'checkout/app/5f1c2d3e',
  account: '123456789012',
};

describe('logEvent', () => {
  test('a JSON line is parsed on first read and the same object is answered afterwards', () => {
    const event = logEvent(FIELDS);
    const first = event.json;
    expect(first).toEqual({ level: 'error', msg: 'payment declined', order_id: 'o-1842' });
    expect(event.json).toBe(first);
  });

  test('a text line has no json', () => {
    const event = logEvent({ ...FIELDS, message: '2026-11-21T09:30:00.000Z\tabc\tERROR\tpayment declined' });
    expect(event.json).toBeUndefined();
    expect(event.json).toBeUndefined();
  });

  test('serialised (parked), it is exactly its fields: no parsed json, nothing else the input carried', () => {
    const untrusted = { ...FIELDS, extractedFields: { status: '500' }, json: { injected: true }, extra: 'x' } as LogEventFields;
    const event = logEvent(untrusted);
    expect(event.json).toEqual({ level: 'error', msg: 'payment declined', order_id: 'o-1842' });
    expect(JSON.parse(JSON.stringify(event))).toStrictEqual({ ...FIELDS, extractedFields: { status: '500' } });
  });
});
