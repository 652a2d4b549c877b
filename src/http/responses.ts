import { z } from 'zod';

/** A JSON response entry with its own description (the OpenAPI document otherwise says "Default Response"). */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** A 201 whose Location header gives the new resource's URL (src/http/openapi-headers.ts documents it). */
export function createdResponse<T extends z.ZodType>(schema: T, description: string) {
  return { ...jsonResponse(schema, description), headers: { Location: { type: 'string' } } };
}

/** 304 carries no body; z.undefined() documents exactly that. */
export const NotModifiedSchema = z
  .undefined()
  .meta({ description: "Not modified: the client's copy (If-None-Match) is current; no body" });

export const NoContentSchema = z.undefined().meta({ description: 'Done; no body' });

export const MovedPermanentlySchema = z
  .undefined()
  .meta({ description: 'Moved permanently: the Location header gives the current URL; no body' });
