-- The scoring read also answers the terminal's latest run of confirmed frauds (two more columns): its new
-- definition, in functions/fraud/adapters/sql/fraud-scoring.sql, is created after this drops the old one.
drop function if exists fraud_read_for_scoring(jsonb);
