/** Candidate: the Powertools tracer (aws-xray-sdk-core), as a function sets it up, with one subsegment. */
import { Tracer } from '@aws-lambda-powertools/tracer';

export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'rampay' });
export const handler = async () => {
  const segment = tracer.getSegment();
  const subsegment = segment?.addNewSubsegment('probe');
  subsegment?.close();
};
