import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PROJECT } from '../config/environment-config';

/**
 * Every `errors` group counts its events into one environment-wide metric, so that a single anomaly-detection model
 * watches them all: CloudWatch allows 500 models per region, fewer than a large catalogue has errors groups, and a
 * metric-math sum over groups is limited to 10 metrics in an alarm. Which service spiked is one saved query away.
 */
export const ERROR_EVENTS_NAMESPACE = 'CentralLogging/Errors';
export const ERROR_EVENTS_METRIC = 'ErrorEvents';
/** An empty pattern matches every event. */
const EVERY_EVENT = '';

export interface ErrorEventsFilterProps {
  /** The `errors` group, by name. */
  readonly logGroupName: string;
}

/** The metric filter of one `errors` group, in that group's wiring stack. */
export class ErrorEventsFilter extends Construct {
  constructor(scope: Construct, id: string, props: ErrorEventsFilterProps) {
    super(scope, id);
    new logs.CfnMetricFilter(this, 'Resource', {
      logGroupName: props.logGroupName,
      filterName: `${PROJECT}-error-events`,
      filterPattern: EVERY_EVENT,
      metricTransformations: [
        { metricNamespace: ERROR_EVENTS_NAMESPACE, metricName: ERROR_EVENTS_METRIC, metricValue: '1', unit: 'Count' },
      ],
    });
  }
}
