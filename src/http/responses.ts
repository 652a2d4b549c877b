import { z } from 'zod';
import type { ResponseHeaderName } from './openapi-headers.js';

/** A JSON response entry with its own description (the OpenAPI document otherwise says "Default Response"). */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** Names the headers a route itself sets on a response; src/http/openapi-headers.ts documents each name once. */
export function withHeaders<E extends object>(entry: E, ...names: ResponseHeaderName[]) {
  return { ...entry, headers: Object.fromEntries(names.map((name) => [name, { type: 'string' }])) };
}

/** A 201 whose Location header gives the new resource's URL. */
export function createdResponse<T extends z.ZodType>(schema: T, description: string) {
  return withHeaders(jsonResponse(schema, description), 'Location');
}

/** 304 carries no body; z.undefined() documents exactly that. */
export const NotModifiedSchema = z
  .undefined()
  .meta({ description: "Not modified: the client's copy (If-None-Match) is current; no body" });

export const NoContentSchema = z.undefined().meta({ description: 'Done; no body' });

export const MovedPermanentlySchema = z
  .undefined()
  .meta({ description: 'Moved permanently: the Location header gives the current URL; no body' });
