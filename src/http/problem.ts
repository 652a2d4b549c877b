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

export const ProblemSchema = z
  .looseObject({
    type: z
      .string()
      .meta({ description: 'A URI reference naming the problem type', examples: ['/problems/not_found'] }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().meta({ description: 'The request path' }),
    code: z.enum(Object.keys(PROBLEMS) as [ProblemCode, ...ProblemCode[]]),
    request_id: z.string(),
    errors: z.array(FieldErrorSchema).optional(),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem document' });

export type Problem = z.infer<typeof ProblemSchema>;

const statusTitles = new Map<number, string>(Object.values(PROBLEMS).map((p) => [p.status, p.title]));

/** Response entries for a route's error statuses, all application/problem+json. */
export function problemResponses(...statuses: number[]) {
  const responses: Record<
    number,
    { description: string; content: { 'application/problem+json': { schema: typeof ProblemSchema } } }
  > = {};
  for (const status of new Set([...statuses, 500])) {
    responses[status] = {
      description: statusTitles.get(status) ?? 'Error',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  return responses;
}
