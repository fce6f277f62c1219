import { v7 as uuidv7 } from 'uuid';

/** Time-ordered unique ids (UUIDv7) for payments, refunds and events. */
export function newId(): string {
  return uuidv7();
}
