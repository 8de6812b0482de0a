/** Paged lists: the query every list route takes, and the page every one answers. */
import { z } from 'zod';

/** A whole decimal number in a query string (no hex, exponents or signs). */
const queryInteger = z
  .string()
  .regex(/^\d{1,6}$/, 'a whole number')
  .transform(Number);

export const MAX_PAGE_SIZE = 100;

/** `page` and `pageSize` of a list query (INVALID_PAGE when malformed). */
export const pagingQuery = {
  page: queryInteger.pipe(z.number().min(1)).default(1).meta({ errorCode: 'INVALID_PAGE' }),
  pageSize: queryInteger
    .pipe(z.number().min(1).max(MAX_PAGE_SIZE))
    .default(20)
    .meta({ errorCode: 'INVALID_PAGE' }),
};

/** One page of a list, as every list route answers it (the schema of `Page`). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });

/** Which page of a list a caller asks for (1-based). */
export interface PageRequest {
  page: number;
  pageSize: number;
}

/** One page of a list: its items, the list's length, and which page this is. */
export interface Page<T> extends PageRequest {
  items: T[];
  total: number;
}

/** The rows a page covers, as repositories take them. */
export function pageWindow({ page, pageSize }: PageRequest): { offset: number; limit: number } {
  return { offset: (page - 1) * pageSize, limit: pageSize };
}
