/** The panel and variable shapes both dashboards use. */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { ENVIRONMENT_NAMES } from '../infra/config';
import { CLOUDWATCH } from './queries';

export function graph(
  title: string,
  unit: string,
  targets: cog.Builder<cog.Dataquery>[],
  options: { span?: number; description?: string } = {},
): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .title(title)
    .datasource(CLOUDWATCH)
    .unit(unit)
    .span(options.span ?? 12)
    .height(8)
    .targets(targets)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi));
  return options.description ? panel.description(options.description) : panel;
}

export function total(
  title: string,
  unit: string,
  targets: cog.Builder<cog.Dataquery>[],
  calc: 'sum' | 'mean' | 'lastNotNull' = 'sum',
): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .datasource(CLOUDWATCH)
    .unit(unit)
    .span(6)
    .height(4)
    .targets(targets)
    .graphMode(common.BigValueGraphMode.Area)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs([calc]).values(false));
}

/** Which CloudWatch data source the dashboard reads. */
export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource').label('CloudWatch').type('cloudwatch');
}

/** The RamPay environment: the `environment` dimension of RamPay's metrics and the prefix of its names. */
export function environmentVariable(): dashboard.CustomVariableBuilder {
  const [first] = ENVIRONMENT_NAMES;
  return new dashboard.CustomVariableBuilder('environment')
    .label('Environment')
    .values(ENVIRONMENT_NAMES.join(','))
    .current({ text: first!, value: first! });
}
