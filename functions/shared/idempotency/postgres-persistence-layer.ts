import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
} from '@aws-lambda-powertools/idempotency';
import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import type { Sql } from '../db/client';
import { literal } from '../db/literals';
import { typed } from '../db/typed';
import { takePublicationMarks } from '../outbox/publication-marks';

/** Powertools' hashes: MD5 in base64, and the key is the operation's key prefix, '#', and the hash of its parts. */
const HASHED_KEY = /^[\w.-]+#[A-Za-z0-9+/]{22}==$/;
const MD5 = /^[A-Za-z0-9+/]{22}==$/;
const STATUS = /^(INPROGRESS|COMPLETED|EXPIRED)$/;

interface RecordRow {
  id: string;
  status: string;
  expires_at: number;
  in_progress_expires_at: number | null;
  payload_hash: string | null;
  response_data: JSONValue | null;
}

/**
 * Powertools idempotency records in PostgreSQL, through the functions of sql/idempotency-records.sql: a claim inserts the record
 * or takes over one that has expired (or whose in-progress lease ran out), so two callers can never both own a key;
 * when the key is held, the same call answers the holder's record, so a replay is one statement.
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
    const now = Date.now();
    // Literals, not parameters: a claim (and so a whole replay) is one round trip. Every value is ours: a status,
    // epoch numbers, and the key and payload hashes Powertools makes.
    const [row] = await sql<(RecordRow & { claimed: boolean })[]>`
      select * from claim_idempotency_record(
        ${literal.text(sql, record.idempotencyKey, HASHED_KEY)}, ${literal.text(sql, record.getStatus(), STATUS)},
        ${literal.bigint(sql, record.expiryTimestamp ?? Math.floor(now / 1000))},
        ${literal.bigint(sql, record.inProgressExpiryTimestamp)}, ${literal.text(sql, record.payloadHash, MD5)},
        ${literal.bigint(sql, Math.floor(now / 1000))}, ${literal.bigint(sql, now)})`;
    if (!row!.claimed) {
      throw new IdempotencyItemAlreadyExistsError(
        `idempotency key ${record.idempotencyKey} is taken`,
        toRecord({ ...row!, id: record.idempotencyKey }),
      );
    }
  }

  /** Also writes the request's deferred "published" marks (functions/shared/outbox/publication-marks.ts), in one call. */
  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const sql = await this.sql();
    // Every parameter typed: one round trip (functions/shared/db/typed.ts).
    await sql`
      select complete_idempotency_record(
        ${typed.text(sql, record.idempotencyKey)}, ${typed.text(sql, record.getStatus())},
        ${typed.bigint(sql, record.expiryTimestamp ?? Math.floor(Date.now() / 1000))},
        ${sql.json((record.responseData ?? null) as never)}, ${literal.uuidArray(sql, takePublicationMarks())})`;
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
