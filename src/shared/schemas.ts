import { z } from 'zod';
import { SLUG_LIMIT } from './slug.js';
import { NO_SPOOFING_CHARACTERS } from './unicode.js';

/** `limit` as frontends send it: a query-string number from 1 to 100. */
export const LimitSchema = z.coerce
  .number({ error: 'must be a whole number from 1 to 100' })
  .int('must be a whole number from 1 to 100')
  .min(1, 'must be a whole number from 1 to 100')
  .max(100, 'must be a whole number from 1 to 100')
  .default(20)
  .meta({ description: 'Items per page, 1 to 100' });

export const CursorSchema = z
  .string()
  .min(1)
  .max(512)
  .meta({ description: 'Opaque cursor from meta.next_cursor of the previous page' });

export const PaginationQuerySchema = z.object({ limit: LimitSchema, cursor: CursorSchema.optional() });

export const PageMetaSchema = z
  .object({
    next_cursor: z.string().nullable().meta({ description: 'Cursor of the next page; null on the last page' }),
  })
  .meta({ id: 'PageMeta' });

export const SlugSchema = z
  .string()
  .min(1)
  .max(SLUG_LIMIT)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single dashes')
  .meta({ id: 'Slug', description: 'Lower-case letters and digits, in words joined by single dashes' });

export const LangSchema = z
  .string()
  .min(2)
  .max(35)
  .regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/, 'must be a BCP 47 language tag such as fr or pt-BR')
  .meta({ id: 'Lang', description: 'A BCP 47 language tag', examples: ['fr', 'pt-BR'] });

export const TimestampSchema = z.iso
  .datetime({ offset: true })
  .meta({ id: 'Timestamp', description: 'An RFC 3339 date and time', examples: ['2026-01-01T12:00:00.000Z'] });

export function page<T extends z.ZodType>(item: T, id: string) {
  return z.object({ data: z.array(item), meta: PageMetaSchema }).meta({ id });
}

/** A page of one view of a list that has two (public, editor): `view` says which, even when `data` is empty. */
export function viewPage<T extends z.ZodType, V extends string>(item: T, view: V, id: string, description: string) {
  return z
    .object({
      view: z.literal(view).meta({ description: 'Which view of the list this is' }),
      data: z.array(item),
      meta: PageMetaSchema,
    })
    .meta({ id, description });
}

/**
 * The largest id or revision number: ids and numbers are 32-bit integer columns on PostgreSQL, so
 * a larger one can name nothing, and is refused alike on both engines.
 */
export const MAX_ID = 2_147_483_647;

/** A positive whole number up to MAX_ID: an id or a revision number a client sends. */
export const idNumber = () =>
  z.number().int('must be a whole number').positive('must be positive').max(MAX_ID, `must be at most ${MAX_ID}`);

export const IdParamsSchema = z.object({
  id: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .positive('must be positive')
    .max(MAX_ID, `must be at most ${MAX_ID}`),
});

/** No C0 control character but tab, line feed and carriage return, and no DEL: text that renders as written. */
export const PRINTABLE_TEXT = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;

/** A string refused when it holds control characters (NUL, BEL, ESC…), which no reader can see but every client must survive. */
const PrintableTextSchema = z
  .string()
  .regex(PRINTABLE_TEXT, 'must not contain control characters')
  .meta({ id: 'Text', description: 'Text without control characters but tab, line feed and carriage return' });
export const text = () => PrintableTextSchema;

export const SPOOFING_MESSAGE = 'must not contain bidi controls or invisible characters';

/**
 * A name, label or identifier (tag and credit names, an author's name, a token's name): printable,
 * and without the bidi controls and invisible characters that let one name pass for another.
 */
const NameTextSchema = text()
  .regex(NO_SPOOFING_CHARACTERS, SPOOFING_MESSAGE)
  .meta({ id: 'Name', description: 'Text without control characters, bidi controls or invisible characters' });
export const nameText = () => NameTextSchema;

/** An http(s) link as given: WHATWG parsing would accept, and hide, a zero-width space in its host. */
const LinkSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048)
  .regex(NO_SPOOFING_CHARACTERS, SPOOFING_MESSAGE)
  .meta({ id: 'Link', description: 'An http(s) URL, without bidi controls or invisible characters' });
export const linkUrl = () => LinkSchema;
