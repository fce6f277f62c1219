-- The fraud model reads amounts in one reference currency (functions/fraud/features/currency.ts): each
-- assessment keeps the quote its amounts were converted with ({currency, reference, unitsPerReference,
-- ratesVersion}, functions/fraud/fx-rates.ts). Assessments made before quotes have none.
alter table fraud_assessments add column fx_quote jsonb;

-- Labels come from reviewers ('review'), fraud reports ('fraud-report') and the model's own declines ('decline',
-- written by fraud_record_assessment). Each is dated (labelled_at); training reads them with their dates.
create index fraud_labels_merchant_labelled on fraud_labels (merchant_id, labelled_at);
