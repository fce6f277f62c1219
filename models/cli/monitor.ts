import { createSql } from '../../functions/shared/db/client';
import { driftReport, PSI_ALARM } from '../monitoring/drift';
import { parseCli, runCli, UsageError } from './common';

const USAGE = `usage: npm run model:monitor -- --baseline FROM:TO [--days N] [options]

Reads the stored assessments of the database at --database-url (default DATABASE_URL) and prints, per UTC day of
the last --days (default 7), the risk score distribution's and each feature's population stability index (PSI)
against the baseline window (the active model's training window on this deployment, or a stable period), flagging
a day at PSI >= ${PSI_ALARM}; and, for a shadow model (FRAUD_SHADOW_MODEL), how its actions compare with the active
model's, on the labels known so far (reviews and fraud reports; declines are the active model's own labels).
Exits 1 when a day drifted.

  --baseline A:B    baseline window, two ISO dates (B excluded), e.g. 2026-10-01:2026-11-01
  --days N          days to report, ending today (default 7)
  --merchant M      one merchant's assessments only
  --database-url U  postgres://...`;

runCli(USAGE, async () => {
  const values = parseCli(USAGE, {
    baseline: { type: 'string' },
    days: { type: 'string' },
    merchant: { type: 'string' },
    'database-url': { type: 'string' },
  });
  const url = values['database-url'] ?? process.env.DATABASE_URL;
  if (!url) throw new UsageError('needs --database-url or DATABASE_URL');
  const m = /^(\d{4}-\d{2}-\d{2}):(\d{4}-\d{2}-\d{2})$/.exec(values.baseline ?? '');
  if (!m) throw new UsageError('--baseline must be YYYY-MM-DD:YYYY-MM-DD');
  const days = Number(values.days ?? 7);
  if (!Number.isInteger(days) || days < 1) throw new UsageError('--days must be a positive integer');
  const today = new Date(new Date().toISOString().slice(0, 10));
  const sql = createSql({ url, max: 1 });
  try {
    const report = await driftReport(sql, {
      baseline: [new Date(m[1]!), new Date(m[2]!)],
      report: [new Date(today.getTime() - (days - 1) * 86_400_000), new Date(today.getTime() + 86_400_000)],
      ...(values.merchant === undefined ? {} : { merchantId: values.merchant }),
    });
    console.log(`baseline ${m[1]} .. ${m[2]}: ${report.baselinePayments.toLocaleString('en-US')} assessments

| day | payments | mean score | score PSI | features moving most (PSI) | drifted |
| --- | --- | --- | --- | --- | --- |
${report.days
  .map(
    (d) =>
      `| ${d.day} | ${d.payments} | ${d.meanScore.toFixed(1)} | ${d.scorePsi.toFixed(3)} | ${d.features.map((f) => `${f.name} ${f.psi.toFixed(2)}`).join(', ')} | ${d.drifted ? 'YES' : 'no'} |`,
  )
  .join('\n')}`);
    for (const s of report.shadow) {
      console.log(`
shadow ${s.shadowModel}: ${s.payments} payments, same action ${(100 * s.sameAction).toFixed(1)}%
  labelled frauds held or declined: active ${(100 * s.fraudsHeld.active).toFixed(1)}%, shadow ${(100 * s.fraudsHeld.shadow).toFixed(1)}% (of ${s.fraudsHeld.labelledFrauds})
  other payments held or declined:  active ${(100 * s.othersHeld.active).toFixed(2)}%, shadow ${(100 * s.othersHeld.shadow).toFixed(2)}%
  actions (active -> shadow): ${JSON.stringify(s.actions)}`);
    }
    if (report.days.some((d) => d.drifted)) process.exitCode = 1;
  } finally {
    await sql.end({ timeout: 5 });
  }
});
