import * as bargauge from "@grafana/grafana-foundation-sdk/bargauge";
import * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as grafana from "@grafana/grafana-foundation-sdk/dashboard";
import * as gauge from "@grafana/grafana-foundation-sdk/gauge";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";

/**
 * The Grafana foundation SDK's builders, preset the way every panel of this
 * program's dashboards is: Prometheus through the `datasource` variable,
 * queries lettered A, B, C, the last value for single-value panels.
 */

/** A dashboard as the SDK builds it, with what every dashboard here sets made required. */
export type Dashboard = Omit<grafana.Dashboard, "uid" | "title" | "panels"> & {
  readonly uid: string;
  readonly title: string;
  readonly panels: grafana.Panel[];
};

export type PanelBuilder = stat.PanelBuilder | gauge.PanelBuilder | bargauge.PanelBuilder | timeseries.PanelBuilder;

export const datasourceVariableName = "datasource";
/** Panels and queries read the dashboard's data source variable, so one JSON fits any Grafana. */
const datasource = (): grafana.DataSourceRef => ({ type: "prometheus", uid: "${" + datasourceVariableName + "}" });
const gridColumns = 24;

/** A PromQL query; panels letter their queries in order. */
export function query(expr: string, legend?: string): prometheus.DataqueryBuilder {
  const q = new prometheus.DataqueryBuilder().datasource(datasource()).expr(expr);
  return legend === undefined ? q : q.legendFormat(legend);
}

/** A legend that names each series by the value of one of its labels. */
export function legendBy(label: string): string {
  return `{{${label}}}`;
}

export function thresholds(steps: grafana.Threshold[]): grafana.ThresholdsConfigBuilder {
  return new grafana.ThresholdsConfigBuilder().mode(grafana.ThresholdsMode.Absolute).steps(steps);
}

/** Green below an alert's threshold, red from it on. */
export function alertSteps(threshold: number): grafana.Threshold[] {
  return [
    { color: "green", value: null },
    { color: "red", value: threshold },
  ];
}

/** Red below an alert's floor, green from it on. */
export function floorSteps(floor: number): grafana.Threshold[] {
  return [
    { color: "red", value: null },
    { color: "green", value: floor },
  ];
}

/** What any panel starts with: title, data source, lettered queries, half the width, 8 rows. */
function preset<P extends PanelBuilder>(panel: P, title: string, queries: readonly prometheus.DataqueryBuilder[]): P {
  // The builders change themselves and return `this`: the chain's union type says less than P does.
  panel
    .title(title)
    .datasource(datasource())
    .targets(queries.map((q, i) => q.refId(String.fromCharCode("A".charCodeAt(0) + i))))
    .unit("short")
    .thresholds(thresholds([{ color: "green", value: null }]))
    .span(gridColumns / 2)
    .height(8);
  return panel;
}

const lastValue = (): common.ReduceDataOptionsBuilder =>
  new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).fields("").values(false);

export function statPanel(title: string, ...queries: prometheus.DataqueryBuilder[]): stat.PanelBuilder {
  return preset(new stat.PanelBuilder(), title, queries)
    .reduceOptions(lastValue())
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.Area)
    .textMode(common.BigValueTextMode.Auto);
}

export function gaugePanel(title: string, ...queries: prometheus.DataqueryBuilder[]): gauge.PanelBuilder {
  return preset(new gauge.PanelBuilder(), title, queries)
    .reduceOptions(lastValue())
    .showThresholdMarkers(true)
    .showThresholdLabels(false);
}

export function barGaugePanel(title: string, ...queries: prometheus.DataqueryBuilder[]): bargauge.PanelBuilder {
  return preset(new bargauge.PanelBuilder(), title, queries)
    .reduceOptions(lastValue())
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Gradient);
}

export function timeseriesPanel(title: string, ...queries: prometheus.DataqueryBuilder[]): timeseries.PanelBuilder {
  return preset(new timeseries.PanelBuilder(), title, queries)
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom)
        .showLegend(true),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending),
    );
}

/** Draws a time series' thresholds as lines, e.g. where an alert fires. */
export const thresholdLines = (): common.GraphThresholdsStyleConfigBuilder =>
  new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line);

/** A dropdown of a label's values on a metric, e.g. every client that has processed messages. */
export function labelValuesVariable(
  name: string,
  label: string,
  metric: string,
  labelName: string,
): grafana.QueryVariableBuilder {
  return new grafana.QueryVariableBuilder(name)
    .label(label)
    .datasource(datasource())
    .query(`label_values(${metric}, ${labelName})`)
    .hide(grafana.VariableHide.DontHide)
    .refresh(grafana.VariableRefresh.OnTimeRangeChanged)
    .sort(grafana.VariableSort.AlphabeticalAsc)
    .multi(false)
    .includeAll(false);
}

function isPanel(panel: grafana.Panel | grafana.RowPanel): panel is grafana.Panel {
  return panel.type !== "row";
}

/**
 * A read-only dashboard of the panels, numbered from 1 and laid out by the
 * SDK: left to right, a new row once a row's widths reach 24 columns.
 */
export function dashboard(
  uid: string,
  title: string,
  panels: readonly PanelBuilder[],
  variables: readonly cog.Builder<grafana.VariableModel>[] = [],
): Dashboard {
  // Grafana rejects uids longer than 40 characters.
  if (!/^[a-z0-9-]{1,40}$/.test(uid)) {
    throw new Error(`dashboard "${title}": uid must be 1-40 lowercase letters, digits or dashes; got "${uid}"`);
  }
  const builder = new grafana.DashboardBuilder(title)
    .id(null) // Grafana assigns its own id on import; the uid is what stays stable.
    .uid(uid)
    .tags(["kg-rca"])
    .timezone("browser")
    .readonly()
    .version(1)
    .refresh("1m")
    .time({ from: "now-6h", to: "now" })
    .variables([
      new grafana.DatasourceVariableBuilder(datasourceVariableName)
        .label("Data source")
        .type("prometheus")
        .hide(grafana.VariableHide.DontHide),
      ...variables,
    ]);
  panels.forEach((panel, index) => builder.withPanel(panel.id(index + 1)));
  const built = builder.build();
  const laidOut = (built.panels ?? []).filter(isPanel);
  // The SDK wraps only after a row is full: a panel wider than what is left of its row would stick out.
  for (const panel of laidOut) {
    const end = (panel.gridPos?.x ?? 0) + (panel.gridPos?.w ?? 0);
    if (end > gridColumns) {
      throw new Error(
        `dashboard "${title}": panel "${panel.title ?? ""}" ends at column ${end} of ${gridColumns}; make the widths of each row add up to ${gridColumns}`,
      );
    }
  }
  return { ...built, uid, title, panels: laidOut };
}
