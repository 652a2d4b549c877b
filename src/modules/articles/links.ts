/**
 * The tags or credits of many articles, from one query's rows ordered by article then position:
 * every asked article gets its list, empty when it links nothing, and no query runs for none.
 */
export async function linksByArticle<Row extends { articleId: string }>(
  articleIds: readonly string[],
  load: () => Row[] | Promise<Row[]>,
): Promise<Map<string, Omit<Row, 'articleId'>[]>> {
  const byArticle = new Map<string, Omit<Row, 'articleId'>[]>(articleIds.map((id) => [id, []]));
  if (articleIds.length === 0) return byArticle;
  for (const { articleId, ...link } of await load()) byArticle.get(articleId)?.push(link);
  return byArticle;
}
