/** Every Grafana dashboard, by the file `npm run grafana` writes it to (grafana/dashboards/<file>). */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import path from 'node:path';
import { businessDashboard } from './business';
import { operationsDashboard } from './operations';

export const DASHBOARDS_DIR = path.resolve(__dirname, '..', '..', 'grafana', 'dashboards');

export function dashboards(): Record<string, dashboard.Dashboard> {
  return {
    'operations.json': operationsDashboard(),
    'business.json': businessDashboard(),
  };
}

/** A dashboard as the committed file holds it. */
export function dashboardJson(board: dashboard.Dashboard): string {
  return `${JSON.stringify(board, null, 2)}\n`;
}
