/**
 * The committed Grafana dashboards are what the code generates, and the operations dashboard follows the event
 * topology's consumer list and the function table.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONSUMER_NAMES } from '../../../functions/shared/events/topology';
import { FUNCTIONS } from '../../../lib/infra/config/functions';
import { DASHBOARDS_DIR, dashboardJson, dashboards } from '../../../lib/grafana/dashboards';
import { operationsDashboard, queueVariable } from '../../../lib/grafana/operations';

interface Panel {
  type: string;
  title?: string;
  datasource?: { type: string; uid: string };
  targets?: { dimensions?: Record<string, string>; metricName?: string }[];
}

it.each(Object.keys(dashboards()))(
  'grafana/dashboards/%s is up to date (npm run grafana writes it)',
  (file) => {
    const committed = readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8');
    expect(committed).toBe(dashboardJson(dashboards()[file]!));
  },
);

it('reads every panel from the CloudWatch data source the dashboard is given', () => {
  for (const board of Object.values(dashboards())) {
    const panels = (board.panels ?? []) as Panel[];
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource).toEqual({ type: 'cloudwatch', uid: '${datasource}' });
      expect(panel.targets?.length).toBeGreaterThan(0);
    }
  }
});

it('gives every consumer of the topology a queue panel and the variables for its queue and DLQ', () => {
  const board = operationsDashboard();
  const variables = (board.templating?.list ?? []).map((v) => v.name);
  for (const consumer of CONSUMER_NAMES) {
    const panel = (board.panels as Panel[]).find((p) => p.title === `Queue ${consumer}`);
    expect(panel).toBeDefined();
    const queues = panel!.targets!.map((t) => t.dimensions?.QueueName);
    expect(queues).toEqual(expect.arrayContaining([`\${queue_${consumer}}`, `\${dlq_${consumer}}`]));
    expect(variables).toEqual(
      expect.arrayContaining([queueVariable(consumer), queueVariable(consumer, true)]),
    );
  }
});

it('shows a consumer as soon as it is declared: a webhooks consumer gets its queue and DLQ panel', () => {
  const board = operationsDashboard({ consumers: [...CONSUMER_NAMES, 'webhooks'] });
  const panel = (board.panels as Panel[]).find((p) => p.title === 'Queue webhooks');
  expect(panel?.targets?.map((t) => t.dimensions?.QueueName)).toEqual([
    '${queue_webhooks}',
    '${dlq_webhooks}',
    '${queue_webhooks}',
  ]);
  expect((board.templating?.list ?? []).map((v) => v.name)).toContain('dlq_webhooks');
});

it('gives every function of the table a panel named after its deployed function', () => {
  const board = operationsDashboard();
  for (const fn of FUNCTIONS) {
    const panel = (board.panels as Panel[]).find((p) => p.title === `${fn.id} (${fn.service})`);
    expect(panel).toBeDefined();
    expect(panel!.targets![0]!.dimensions!.FunctionName).toMatch(/^rampay-\$environment-[a-z0-9-]+$/);
  }
});
