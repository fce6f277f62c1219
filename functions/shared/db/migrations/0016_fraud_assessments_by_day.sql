-- Drift is measured per UTC day over every merchant's assessments (functions/fraud/adapters/postgres-drift-reads.ts,
-- and npm run model:monitor): a day's range is read by assessed_at alone, which fraud_assessments_merchant,
-- led by the merchant, does not serve.
create index fraud_assessments_assessed_at on fraud_assessments (assessed_at);
