import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
} from '@aws-lambda-powertools/idempotency';
import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import { asyncCommit, type Sql } from '../db/client';
import { markPublishedStatement, takePublicationMarks } from '../../outbox/publication-marks';

interface RecordRow {
  id: string;
  status: string;
  expires_at: number;
  in_progress_expires_at: number | null;
  payload_hash: string | null;
  response_data: JSONValue | null;
}

/**
 * Powertools idempotency records in PostgreSQL. A record is claimed with one INSERT ... ON CONFLICT that only
 * takes over a row that has expired (or whose in-progress lease ran out), so two callers can never both own a key.
 *
 * Writes commit asynchronously (no WAL flush wait): a record lost in a database crash cannot double a payment or a
 * refund, because the unique (merchant, idempotency key) constraints of those tables refuse the second one.
 */
export class PostgresPersistenceLayer extends BasePersistenceLayer {
  constructor(private readonly sql: () => Promise<Sql>) {
    super();
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const sql = await this.sql();
    const [row] = await sql<RecordRow[]>`select * from idempotency_records where id = ${idempotencyKey}`;
    if (!row) throw new IdempotencyItemNotFoundError(`no idempotency record ${idempotencyKey}`);
    return toRecord(row);
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const sql = await this.sql();
    const nowSeconds = Math.floor(Date.now() / 1000);
    const claimed = await sql<RecordRow[]>`
      insert into idempotency_records (id, status, expires_at, in_progress_expires_at, payload_hash, response_data)
      select ${record.idempotencyKey}, ${record.getStatus()}, ${record.expiryTimestamp ?? nowSeconds}::bigint,
             ${record.inProgressExpiryTimestamp ?? null}::bigint, ${record.payloadHash ?? null}::text, null::jsonb
        from ${asyncCommit(sql)}
      on conflict (id) do update set
        status = excluded.status,
        expires_at = excluded.expires_at,
        in_progress_expires_at = excluded.in_progress_expires_at,
        payload_hash = excluded.payload_hash,
        response_data = null
      where idempotency_records.expires_at < ${nowSeconds}
         or (idempotency_records.status = 'INPROGRESS'
             and idempotency_records.in_progress_expires_at < ${Date.now()})
      returning id`;
    if (claimed.length === 0) {
      const existing = await this._getRecord(record.idempotencyKey);
      throw new IdempotencyItemAlreadyExistsError(
        `idempotency key ${record.idempotencyKey} is taken`,
        existing,
      );
    }
  }

  /** Also writes the request's deferred "published" marks (functions/outbox/publication-marks.ts), in one statement. */
  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const sql = await this.sql();
    const publishedEventIds = takePublicationMarks();
    await sql`
      ${publishedEventIds.length > 0 ? sql`with marked as (${markPublishedStatement(sql, publishedEventIds)})` : sql``}
      update idempotency_records
         set status = ${record.getStatus()},
             expires_at = ${record.expiryTimestamp ?? Math.floor(Date.now() / 1000)},
             response_data = ${sql.json((record.responseData ?? null) as never)}
        from ${asyncCommit(sql)}
       where id = ${record.idempotencyKey}`;
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    const sql = await this.sql();
    await sql`delete from idempotency_records where id = ${record.idempotencyKey} and status = 'INPROGRESS'`;
  }
}

/** Deletes the records whose replay window is over (a claim would take them over anyway); returns how many. */
export async function pruneIdempotencyRecords(sql: Sql, now: Date): Promise<number> {
  const result =
    await sql`delete from idempotency_records where expires_at < ${Math.floor(now.getTime() / 1000)}`;
  return result.count;
}

function toRecord(row: RecordRow): IdempotencyRecord {
  return new IdempotencyRecord({
    idempotencyKey: row.id,
    status: row.status as 'INPROGRESS' | 'COMPLETED' | 'EXPIRED',
    expiryTimestamp: row.expires_at,
    inProgressExpiryTimestamp: row.in_progress_expires_at ?? undefined,
    payloadHash: row.payload_hash ?? undefined,
    responseData: row.response_data ?? undefined,
  });
}
