import * as z from 'zod';
import { cursorId, pageLimit } from '../shared/http/pagination';

export const listNotificationsQuerySchema = z
  .object({
    limit: pageLimit(50),
    starting_after: cursorId('notification').optional(),
  })
  .strict();
export type ListNotificationsQuery = z.infer<typeof listNotificationsQuerySchema>;
