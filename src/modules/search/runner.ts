import type { SearchMatches, SearchQuery, SearchRepository } from './repository.js';

/** Where searches run: in the caller's thread, or on the work thread under a hard time budget (src/work.ts). */
export interface SearchRunner {
  findMatches(query: SearchQuery): Promise<SearchMatches>;
}

/** In-process: for an in-memory database, which no other thread can open. Bounded by SEARCH_LIMITS only. */
export function inProcessRunner(repo: SearchRepository): SearchRunner {
  return { findMatches: (query) => repo.findMatches(query) };
}
