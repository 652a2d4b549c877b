/** A `postgres://` or `postgresql://` URL: the one thing that selects the PostgreSQL engine. */
export const POSTGRES_URL = /^postgres(ql)?:\/\/./i;

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && POSTGRES_URL.test(url);
}
