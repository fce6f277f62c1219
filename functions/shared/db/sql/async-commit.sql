-- Repeatable: applied by functions/shared/db/migrate.ts after the versioned migrations whenever this file changes,
-- so it holds the current definition of each function (create or replace). A change of arguments or return type
-- needs a versioned migration that drops the old function first.

-- Asynchronous commit of the bookkeeping without pinning: idempotency records and published marks commit without
-- waiting for the WAL flush (a record or a mark lost in a database crash is harmless: the unique constraints of
-- payments and refunds refuse a second one, and the relay publishes an unmarked event again).
-- set_config(..., true) lasts only until the end of the transaction, so nothing outlives it; but RDS Proxy pins a
-- client session whose SQL text calls set_config, so the call lives here, out of the statement text it inspects.
create or replace function async_commit() returns void
language sql volatile as $$ select set_config('synchronous_commit', 'off', true) $$;
