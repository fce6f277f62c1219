import path from 'node:path';
import {
  DRIFT_DEFAULTS,
  DRIFT_PSI_ALARM,
  readDriftReference,
  referencePathFor,
} from '../../functions/fraud/drift';
import { createSql } from '../../functions/shared/db/client';
import { activeModel, MODELS_DIR } from '../artifact';
import { driftReport, referenceDrift, shadowReport, type ShadowComparison } from '../monitoring/drift';
import { parseCli, runCli, UsageError } from './common';

const USAGE = `usage: npm run model:monitor -- [--days N] [options]

Reads the stored assessments of the database at --database-url (default DATABASE_URL) and prints, per UTC day of
the last --days (default 7), the population stability index (PSI) of the risk score and of each feature, flagging
a day at PSI >= --psi-alarm (default ${DRIFT_PSI_ALARM}, the drift alarm's); and, for a shadow model
(FRAUD_SHADOW_MODEL), how its actions compare with the active model's, on the labels known so far (reviews and
fraud reports; declines are the active model's own labels). Exits 1 when a day drifted.

Without --baseline the days are compared with the model's training window, as its drift reference
(fraud-<version>.reference.json) records it: the model's own assessments of each day, as the daily drift function
measures them (every merchant; days with fewer than ${DRIFT_DEFAULTS.minimumAssessments} are not measured).

  --model FILE      the model's metadata (default: the committed model, models/fraud-<version>.json)
  --baseline A:B    compare with this window instead, two ISO dates (B excluded), e.g. 2026-10-01:2026-11-01
                    (every model's assessments of those days: a stable period of this deployment)
  --days N          days to report, ending today (default 7)
  --merchant M      one merchant's assessments only (with --baseline)
  --psi-alarm X     the PSI from which a day counts as drifted (default ${DRIFT_PSI_ALARM})
  --database-url U  postgres://...`;

const DAY_MS = 86_400_000;

function printShadow(shadow: readonly ShadowComparison[]): void {
  for (const s of shadow) {
    console.log(`
shadow ${s.shadowModel}: ${s.payments} payments, same action ${(100 * s.sameAction).toFixed(1)}%
  labelled frauds held or declined: active ${(100 * s.fraudsHeld.active).toFixed(1)}%, shadow ${(100 * s.fraudsHeld.shadow).toFixed(1)}% (of ${s.fraudsHeld.labelledFrauds})
  other payments held or declined:  active ${(100 * s.othersHeld.active).toFixed(2)}%, shadow ${(100 * s.othersHeld.shadow).toFixed(2)}%
  actions (active -> shadow): ${JSON.stringify(s.actions)}`);
  }
}

runCli(USAGE, async () => {
  const values = parseCli(USAGE, {
    model: { type: 'string' },
    baseline: { type: 'string' },
    days: { type: 'string' },
    merchant: { type: 'string' },
    'psi-alarm': { type: 'string' },
    'database-url': { type: 'string' },
  });
  const url = values['database-url'] ?? process.env.DATABASE_URL;
  if (!url) throw new UsageError('needs --database-url or DATABASE_URL');
  const days = Number(values.days ?? 7);
  if (!Number.isInteger(days) || days < 1) throw new UsageError('--days must be a positive integer');
  const alarm = Number(values['psi-alarm'] ?? DRIFT_PSI_ALARM);
  if (!(alarm > 0)) throw new UsageError('--psi-alarm must be a positive number');
  const baseline =
    values.baseline === undefined
      ? undefined
      : /^(\d{4}-\d{2}-\d{2}):(\d{4}-\d{2}-\d{2})$/.exec(values.baseline);
  if (baseline === null) throw new UsageError('--baseline must be YYYY-MM-DD:YYYY-MM-DD');
  if (!baseline && values.merchant !== undefined) {
    throw new UsageError('--merchant needs --baseline: the training window holds no merchants');
  }
  const today = new Date(new Date().toISOString().slice(0, 10));
  const first = new Date(today.getTime() - (days - 1) * DAY_MS);
  const report: [Date, Date] = [first, new Date(today.getTime() + DAY_MS)];
  const sql = createSql({ url, max: 1 });
  try {
    let drifted: boolean;
    if (baseline) {
      const result = await driftReport(sql, {
        baseline: [new Date(baseline[1]!), new Date(baseline[2]!)],
        report,
        psiAlarm: alarm,
        ...(values.merchant === undefined ? {} : { merchantId: values.merchant }),
      });
      console.log(`baseline ${baseline[1]} .. ${baseline[2]}: ${result.baselinePayments.toLocaleString('en-US')} assessments

| day | payments | mean score | score PSI | features moving most (PSI) | drifted |
| --- | --- | --- | --- | --- | --- |
${result.days
  .map(
    (d) =>
      `| ${d.day} | ${d.payments} | ${d.meanScore.toFixed(1)} | ${d.scorePsi.toFixed(3)} | ${d.features.map((f) => `${f.name} ${f.psi.toFixed(2)}`).join(', ')} | ${d.drifted ? 'YES' : 'no'} |`,
  )
  .join('\n')}`);
      printShadow(result.shadow);
      drifted = result.days.some((d) => d.drifted);
    } else {
      const metadataPath = values.model ? path.resolve(values.model) : activeModel(MODELS_DIR).metadataPath;
      const reference = await readDriftReference(referencePathFor(metadataPath));
      const measured = await referenceDrift(sql, reference, first, days, DRIFT_DEFAULTS);
      const flagged = (psi: number | undefined) => psi !== undefined && psi >= alarm;
      console.log(`model ${reference.model} against its training window ${reference.window.from} .. ${reference.window.to} (${reference.window.payments.toLocaleString('en-US')} payments)

| day | payments | measured | mean score | score PSI | features moving most (PSI) | drifted |
| --- | --- | --- | --- | --- | --- | --- |
${measured
  .map((d) => {
    const moving = Object.entries(d.features ?? {})
      .sort((a, b) => b[1].psi - a[1].psi)
      .slice(0, 3)
      .map(([name, f]) => `${name} ${f.psi.toFixed(2)}`)
      .join(', ');
    const verdict = !d.score ? 'too few' : flagged(d.score.psi) || flagged(d.maxFeature?.psi) ? 'YES' : 'no';
    return `| ${d.day} | ${d.assessments} | ${d.measured} | ${d.score ? d.score.mean.toFixed(1) : '-'} | ${d.score ? d.score.psi.toFixed(3) : '-'} | ${moving || '-'} | ${verdict} |`;
  })
  .join('\n')}`);
      printShadow(await shadowReport(sql, report));
      drifted = measured.some((d) => flagged(d.score?.psi) || flagged(d.maxFeature?.psi));
    }
    if (drifted) process.exitCode = 1;
  } finally {
    await sql.end({ timeout: 5 });
  }
});
