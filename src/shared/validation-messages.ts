import { z } from 'zod';

/**
 * Fjord's wording for every validation problem a schema does not word itself. Each message reads
 * after the name of the field it is about ("title must not be empty"), as the schemas' own do, so
 * one response never mixes two voices.
 */

type Issue = z.core.$ZodRawIssue;

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  date: 'a date',
  null: 'null',
  undefined: 'absent',
  record: 'an object',
  map: 'an object',
  set: 'an array',
  tuple: 'an array',
  nan: 'NaN',
};

const FORMATS: Record<string, string> = {
  email: 'must be an e-mail address such as ada@example.com',
  url: 'must be a URL such as https://example.com/',
  uuid: 'must be a UUID',
  guid: 'must be a UUID',
  datetime: 'must be a date and time such as 2026-01-15T10:00:00Z',
  date: 'must be a date such as 2026-01-15',
  time: 'must be a time such as 10:00:00',
  duration: 'must be an ISO 8601 duration such as P1D',
  ipv4: 'must be an IPv4 address',
  ipv6: 'must be an IPv6 address',
  cidrv4: 'must be an IPv4 range such as 192.0.2.0/24',
  cidrv6: 'must be an IPv6 range such as 2001:db8::/32',
  base64: 'must be base64',
  base64url: 'must be base64url',
  lowercase: 'must be in lower case',
  uppercase: 'must be in upper case',
  hostname: 'must be a host name',
  json_string: 'must be a JSON document',
};

function plural(n: number | bigint, one: string, many = `${one}s`): string {
  return `${n} ${Number(n) === 1 ? one : many}`;
}

function quoted(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

/** "1 or 2", "a, b or c". */
function either(values: readonly unknown[]): string {
  const shown = values.map(quoted);
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
}

function invalidType(issue: Extract<Issue, { code: 'invalid_type' }>): string {
  if (issue.input === undefined) return 'is required';
  const expected = TYPE_NAMES[issue.expected] ?? `a value of type ${issue.expected}`;
  return `must be ${expected}`;
}

function bound(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const limit = small
    ? (issue as { minimum: number | bigint }).minimum
    : (issue as { maximum: number | bigint }).maximum;
  const inclusive = issue.inclusive !== false;
  const exact = (issue as { exact?: boolean }).exact === true;
  const quantity = (unit: string, many?: string) => {
    if (exact) return `must be exactly ${plural(limit, unit, many)}`;
    if (small && Number(limit) === 1 && inclusive) return 'must not be empty';
    const word = small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'fewer than';
    return `must be ${word} ${plural(limit, unit, many)}`;
  };
  switch (issue.origin) {
    case 'string':
      return quantity('character');
    case 'array':
    case 'set':
      return quantity('item').replace('must be ', 'must have ');
    case 'date':
      return `must be ${small ? 'on or after' : 'on or before'} ${new Date(Number(limit)).toISOString()}`;
    default: {
      if (exact) return `must be ${limit}`;
      const word = small ? (inclusive ? 'at least' : 'greater than') : inclusive ? 'at most' : 'less than';
      return `must be ${word} ${limit}`;
    }
  }
}

function invalidFormat(issue: Extract<Issue, { code: 'invalid_format' }>): string {
  const extra = issue as { prefix?: string; suffix?: string; includes?: string; pattern?: RegExp | string };
  switch (issue.format) {
    case 'starts_with':
      return `must start with "${extra.prefix}"`;
    case 'ends_with':
      return `must end with "${extra.suffix}"`;
    case 'includes':
      return `must contain "${extra.includes}"`;
    case 'regex':
      return `must match the pattern ${String(extra.pattern)}`;
    default:
      return FORMATS[issue.format] ?? `must be a valid ${issue.format.replaceAll('_', ' ')}`;
  }
}

/** The message for an issue the schema left unworded. */
export function validationMessage(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return invalidType(issue);
    case 'too_small':
    case 'too_big':
      return bound(issue);
    case 'invalid_format':
      return invalidFormat(issue);
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return issue.keys.length === 1
        ? `has a field that is not known: ${issue.keys[0]}`
        : `has fields that are not known: ${issue.keys.join(', ')}`;
    case 'invalid_value':
      // "must be "a" or "b"", and "one of" from three choices on.
      return `must be ${issue.values.length > 2 ? 'one of ' : ''}${either(issue.values)}`;
    case 'invalid_union':
      return 'does not match any of the accepted forms';
    case 'invalid_key':
      return 'has a key that is not accepted';
    case 'invalid_element':
      return 'holds a value that is not accepted';
    default:
      return 'is not valid';
  }
}

// Schemas that word a message keep it; every other issue, wherever it is raised, reads as above.
z.config({ customError: validationMessage });
