import { logger } from '../../shared/logger';
import { driftDeps } from '../composition';
import { measureDrift, previousUtcDay, type DriftMeasurement } from '../use-cases/measure-drift';

/**
 * Scheduled (daily, just after midnight UTC): yesterday's risk scores and features against the active model's
 * training window, published as metrics the drift alarms watch.
 */
export const handler = async (): Promise<DriftMeasurement> => {
  const { reads, reference, settings, publish } = await driftDeps();
  const measurement = await measureDrift(reads, reference, previousUtcDay(new Date()).from, settings);
  publish(measurement);
  logger.info('fraud drift measured', {
    day: measurement.day,
    model: measurement.model,
    assessments: measurement.assessments,
    measured: measurement.measured,
    scorePsi: measurement.score?.psi,
    maxFeature: measurement.maxFeature,
  });
  return measurement;
};
