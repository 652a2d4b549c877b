import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { PROBLEMS, type ProblemCode } from '../errors.js';

export const FieldErrorSchema = z
  .object({
    in: z.enum(['body', 'query', 'params', 'headers']),
    path: z
      .string()
      .meta({ description: 'Dot-separated path of the field, empty for the whole part', examples: ['limit'] }),
    message: z.string(),
  })
  .meta({ id: 'FieldError' });

const CODES = Object.keys(PROBLEMS) as [ProblemCode, ...ProblemCode[]];

export const ProblemCodeSchema = z
  .enum(CODES)
  .meta({ id: 'ProblemCode', description: 'The problem type; GET /problems/{code} describes it' });

export const ProblemSchema = z
  .looseObject({
    type: z
      .string()
      .meta({ description: 'A URI reference naming the problem type', examples: ['/problems/not_found'] }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().meta({ description: 'The request path' }),
    code: ProblemCodeSchema,
    request_id: z.string(),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem document' });

export type Problem = z.infer<typeof ProblemSchema>;

/** The problem documents whose extensions say more than `detail`; each status has at most one. */
export const ValidationProblemSchema = ProblemSchema.extend({
  errors: z
    .array(FieldErrorSchema)
    .optional()
    .meta({ description: 'Each invalid field: always on validation_failed, on bad_request when a field is to blame' }),
}).meta({ id: 'ValidationProblem', description: 'An RFC 9457 problem document naming the fields to fix' });

export const ConflictProblemSchema = ProblemSchema.extend({
  slug: z.string().optional().meta({ description: 'On publication: the slug another article already holds' }),
}).meta({ id: 'ConflictProblem', description: 'An RFC 9457 problem document: the state changed, or a value is taken' });

export const PreconditionFailedProblemSchema = ProblemSchema.extend({
  current_revision: z
    .number()
    .int()
    .optional()
    .meta({ description: 'When If-Match names an older revision: the head revision, to read again' }),
}).meta({ id: 'PreconditionFailedProblem', description: 'An RFC 9457 problem document: If-Match does not match' });

export const UnprocessableProblemSchema = ProblemSchema.extend({
  revision: z.number().int().optional().meta({ description: 'not_publishable: the revision that cannot be published' }),
  reason: z.string().optional().meta({ description: 'not_publishable: what the revision lacks' }),
}).meta({ id: 'UnprocessableProblem', description: 'An RFC 9457 problem document: the request cannot be carried out' });

const SCHEMAS: Partial<Record<number, z.ZodType>> = {
  400: ValidationProblemSchema,
  409: ConflictProblemSchema,
  412: PreconditionFailedProblemSchema,
  422: UnprocessableProblemSchema,
};

/** Each error status's codes, in catalogue order: what a response of that status may carry. */
const codesByStatus = new Map<number, ProblemCode[]>();
for (const code of CODES) {
  const { status } = PROBLEMS[code];
  codesByStatus.set(status, [...(codesByStatus.get(status) ?? []), code]);
}

/** `Not found (not_found)`, `Bad request or validation failed (bad_request, validation_failed)`. */
export function problemDescription(status: number): string {
  const codes = codesByStatus.get(status) ?? [];
  if (codes.length === 0) return 'Error';
  const titles = codes.map((code, i) => (i === 0 ? PROBLEMS[code].title : PROBLEMS[code].title.toLowerCase()));
  return `${titles.join(' or ')} (${codes.map((code) => `\`${code}\``).join(', ')})`;
}

/** The component name of a status's shared response, from its reason phrase: `NotFound`, `ServiceUnavailable`. */
export function problemResponseName(status: number): string {
  const phrase = STATUS_CODES[status] ?? `Error ${status}`;
  return phrase.replace(/[^A-Za-z0-9]+/g, ' ').replace(/(?:^|\s)(\w)/g, (_, letter: string) => letter.toUpperCase());
}

/** Response entries for a route's error statuses, all application/problem+json. */
export function problemResponses(...statuses: number[]) {
  const responses: Record<
    number,
    { description: string; content: { 'application/problem+json': { schema: z.ZodType } } }
  > = {};
  for (const status of new Set([...statuses, 500])) {
    responses[status] = {
      description: problemDescription(status),
      content: { 'application/problem+json': { schema: SCHEMAS[status] ?? ProblemSchema } },
    };
  }
  return responses;
}
