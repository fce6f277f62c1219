/**
 * CloudWatch queries for Grafana panels, built from the metric catalogue: a panel can only name a metric the
 * catalogue declares, with one of the dimension sets it is published with.
 */
import * as cloudwatch from '@grafana/grafana-foundation-sdk/cloudwatch';
import type * as common from '@grafana/grafana-foundation-sdk/common';
import { hasDimensionSet, type MetricDefinition } from '../../functions/shared/metrics/catalogue';

/** The dashboards' data source: the `datasource` variable, any CloudWatch data source. */
export const CLOUDWATCH: common.DataSourceRef = { type: 'cloudwatch', uid: '${datasource}' };

export type Statistic = 'Sum' | 'Average' | 'Maximum' | 'Minimum' | 'SampleCount' | 'p50' | 'p90' | 'p99';

export interface MetricQuery {
  /** Dimension values; `*` for every value (one series each), `$variable` for a dashboard variable. */
  dimensions: Record<string, string>;
  statistic: Statistic;
  label?: string;
  /** Seconds; default 60. */
  period?: number;
}

/** One metric of the catalogue with exactly the dimensions given; throws when it is not published with them. */
export function metricQuery(
  definition: MetricDefinition,
  refId: string,
  query: MetricQuery,
): cloudwatch.MetricsQueryBuilder {
  const keys = Object.keys(query.dimensions);
  if (!hasDimensionSet(definition, keys)) {
    throw new Error(
      `${definition.namespace} ${definition.name} is not published with the dimensions ${keys.join(', ')}; ` +
        `it has ${definition.dimensionSets.map((s) => `[${s.join(', ')}]`).join(' ')}`,
    );
  }
  const builder = new cloudwatch.MetricsQueryBuilder()
    .datasource(CLOUDWATCH)
    .refId(refId)
    // The id math expressions name it by.
    .id(refId.toLowerCase())
    .queryMode(cloudwatch.QueryMode.Metrics)
    .metricQueryType(cloudwatch.MetricQueryType.Search)
    .metricEditorMode(cloudwatch.MetricEditorMode.Builder)
    .region('default')
    .namespace(definition.namespace)
    .metricName(definition.name)
    .dimensions(query.dimensions)
    .matchExact(true)
    .statistic(query.statistic)
    .period(String(query.period ?? 60));
  return query.label ? builder.label(query.label) : builder;
}

/** A metric math expression over other queries of the panel (by refId). */
export function mathQuery(refId: string, expression: string, label: string): cloudwatch.MetricsQueryBuilder {
  return new cloudwatch.MetricsQueryBuilder()
    .datasource(CLOUDWATCH)
    .refId(refId)
    .id(refId.toLowerCase())
    .queryMode(cloudwatch.QueryMode.Metrics)
    .metricQueryType(cloudwatch.MetricQueryType.Search)
    .metricEditorMode(cloudwatch.MetricEditorMode.Code)
    .region('default')
    .expression(expression)
    .label(label);
}
