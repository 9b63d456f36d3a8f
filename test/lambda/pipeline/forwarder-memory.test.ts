import { createForwarderHandler } from '../../../lambda/pipeline/forwarder';
import { createLogger } from '../../../lambda/pipeline/logger';
import { createRedactor } from '../../../lambda/pipeline/redact';
import type { Destination, SourceLogEvent } from '../../../lambda/pipeline/types';
import { subscriptionEvent } from '../../fixtures/logs/cloudwatch-payload';
import { collectGarbage } from '../../support/retained-heap';

/**
 * A batch's lines must not outlive their preparation: while the batch is delivered (seconds, against a slow
 * receiver), a line kept alive is copied by every young-generation collection and then promoted, to die in the old
 * generation.
 */

const quiet = createLogger({ service: 'lines-forwarder', sink: () => undefined });
const lambdaContext = { awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', getRemainingTimeInMillis: () => 60_000 };

test('every line of a batch can be collected once prepared, while the batch is still being delivered', async () => {
  const lines: WeakRef<SourceLogEvent>[] = [];
  let aliveDuringDelivery: number | undefined;
  const destination: Destination<string> = {
    name: 'lines',
    prepare(event) {
      lines.push(new WeakRef(event));
      // The payload keeps what a real destination keeps: values copied out of the line, not the line.
      return { kind: 'payloads', payloads: [`${event.id}`] };
    },
    redact: (payload) => payload,
    async deliver(payloads) {
      // A WeakRef keeps its target alive until the job that made it ends; collect in a later one.
      await new Promise((resolve) => setImmediate(resolve));
      collectGarbage();
      aliveDuringDelivery = lines.filter((line) => line.deref() !== undefined).length;
      return { delivered: payloads.length, failed: [] };
    },
  };
  const handler = createForwarderHandler(destination, { context: { environment: 'prod', region: 'eu-west-1' }, redactor: createRedactor(), logger: quiet, metricsSink: () => undefined });
  const events = Array.from({ length: 40 }, (_, index) => ({ message: `{"level":"error","msg":"payment declined","order_id":"o-${1800 + index}"}` }));

  const summary = await handler(subscriptionEvent({ events }), lambdaContext);

  expect(summary).toMatchObject({ received: 40, sent: 40 });
  expect(lines).toHaveLength(40);
  expect(aliveDuringDelivery).toBe(0);
});
