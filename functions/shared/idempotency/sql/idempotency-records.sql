-- Repeatable: applied by functions/shared/db/migrate.ts after the versioned migrations whenever this file changes,
-- so it holds the current definition of each function (create or replace). A change of arguments or return type
-- needs a versioned migration that drops the old function first.

-- The statements on the hot paths are PL/pgSQL functions: the client runs with prepare: false (RDS Proxy pins a
-- session that holds prepared statements), so an ad-hoc statement is parsed, analysed and planned again on every
-- call, and a wide INSERT sends each column as a parameter the driver serialises by type. A function's statements
-- are planned once per database session and reused; a call is a short statement with a JSON document or two.

-- Claims an idempotency key for a new operation: inserts the record, or takes over one whose replay window is over
-- or whose in-progress lease ran out. When the key is held, answers the holder's record instead (claimed = false),
-- so a replay is one call; a replay writes nothing, not even a row lock.
create or replace function claim_idempotency_record(
  p_id text,
  p_status text,
  p_expires_at bigint,
  p_in_progress_expires_at bigint,
  p_payload_hash text,
  p_now_seconds bigint,
  p_now_millis bigint
) returns table (
  claimed boolean,
  status text,
  expires_at bigint,
  in_progress_expires_at bigint,
  payload_hash text,
  response_data jsonb
)
language plpgsql volatile as $$
declare
  held idempotency_records;
begin
  perform async_commit();
  loop
    insert into idempotency_records as r (id, status, expires_at, in_progress_expires_at, payload_hash)
    values (p_id, p_status, p_expires_at, p_in_progress_expires_at, p_payload_hash)
    on conflict (id) do nothing;
    if found then
      return query select true, p_status, p_expires_at, p_in_progress_expires_at, p_payload_hash, null::jsonb;
      return;
    end if;
    -- A new snapshot for each statement: this sees the holder's row even if it committed after the call began.
    select * into held from idempotency_records r where r.id = p_id;
    if not found then
      continue; -- the holder's operation failed and its record was deleted in between: claim again
    end if;
    -- coalesce: an in-progress record without a lease is held until its replay window ends, never taken over.
    if not (held.expires_at < p_now_seconds
            or (held.status = 'INPROGRESS' and coalesce(held.in_progress_expires_at < p_now_millis, false))) then
      return query select false, held.status, held.expires_at, held.in_progress_expires_at, held.payload_hash,
                          held.response_data;
      return;
    end if;
    update idempotency_records r
       set status = p_status, expires_at = p_expires_at, in_progress_expires_at = p_in_progress_expires_at,
           payload_hash = p_payload_hash, response_data = null
     where r.id = p_id
       and (r.expires_at < p_now_seconds or (r.status = 'INPROGRESS' and r.in_progress_expires_at < p_now_millis));
    if found then
      return query select true, p_status, p_expires_at, p_in_progress_expires_at, p_payload_hash, null::jsonb;
      return;
    end if;
    -- Another caller took the expired record over first: look again.
  end loop;
end $$;

-- Stores an operation's result, and the "published" marks of the events it published, in one call.
create or replace function complete_idempotency_record(
  p_id text,
  p_status text,
  p_expires_at bigint,
  p_response_data jsonb,
  p_published_event_ids uuid[]
) returns void
language plpgsql volatile as $$
begin
  perform async_commit();
  update idempotency_records
     set status = p_status, expires_at = p_expires_at, response_data = p_response_data
   where id = p_id;
  if cardinality(p_published_event_ids) > 0 then
    perform mark_events_published(p_published_event_ids);
  end if;
end $$;
