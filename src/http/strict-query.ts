/**
 * What a route's query and path may hold beyond its schema's own checks: only the parameters it
 * declares (an ignored `?sort=` or `?tags=` silently answers unfiltered data), and numbers written
 * as plain decimal digits (`0x10`, `1e2`, `5.0` and ` 5` all coerce to numbers, and were taken).
 */
import type { FieldError } from '../errors.js';

/** The parameter names a zod object schema declares, each with whether it takes a number; null if it is not one. */
export function declaredParameters(schema: unknown): Map<string, boolean> | null {
  const object = schema as
    | { shape?: Record<string, unknown>; def?: { catchall?: { def?: ZodDef } } }
    | null
    | undefined;
  const shape = object?.shape;
  if (!shape || typeof shape !== 'object') return null;
  // A loose object (z.looseObject) declares that any other parameter is welcome.
  const catchall = object.def?.catchall?.def?.type;
  if (catchall !== undefined && catchall !== 'never') return null;
  return new Map(Object.entries(shape).map(([name, field]) => [name, takesNumber(field)]));
}

interface ZodDef {
  type?: string;
  innerType?: unknown;
  in?: unknown;
}

/** Whether a field is a number under its optional, default, nullable or pipe wrappers. */
function takesNumber(field: unknown): boolean {
  let def = (field as { def?: ZodDef } | undefined)?.def;
  for (let depth = 0; def && depth < 8; depth++) {
    if (def.type === 'number') return true;
    const inner = def.innerType ?? def.in;
    def = (inner as { def?: ZodDef } | undefined)?.def;
  }
  return false;
}

const DECIMAL = /^-?(?:0|[1-9][0-9]*)$/;

/**
 * A value that coercion would take for a whole number although it is not written as one: `0x10`,
 * `1e2`, `5.0`, ` 5`, `007`. Anything else (`abc`, `2.5`) is left to the schema, whose message says
 * what the parameter takes.
 */
export function disguisedInteger(value: string): boolean {
  return value !== '' && Number.isInteger(Number(value)) && !DECIMAL.test(value);
}
export const DECIMAL_MESSAGE = 'must be a whole number written in decimal digits, such as 20';

/**
 * The errors of `values` (a parsed query or the path's parameters) against what the route declares:
 * every undeclared name (`unknown` names them; null: any is accepted), and every number not in plain digits.
 */
export function parameterErrors(
  values: Record<string, unknown>,
  declared: Map<string, boolean> | null,
  where: 'query' | 'params',
): FieldError[] {
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (declared && !declared.has(name)) {
      const known = [...declared.keys()];
      errors.push({
        in: where,
        path: name,
        message:
          known.length === 0
            ? 'is not a parameter of this route, which takes none'
            : `is not a parameter of this route, which takes ${known.join(', ')}`,
      });
      continue;
    }
    if (declared?.get(name) && typeof value === 'string' && disguisedInteger(value)) {
      errors.push({ in: where, path: name, message: DECIMAL_MESSAGE });
    }
  }
  return errors;
}
