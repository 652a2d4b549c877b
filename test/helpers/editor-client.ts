import type supertest from 'supertest';
import { expect } from 'vitest';

/**
 * An editor's requests over HTTP, with the two steps slug tests repeat: creating a draft under a
 * slug, and a revision that renames it. Both assert what the editor is answered.
 */
export function editorClient(api: ReturnType<typeof supertest>, header: string) {
  const get = (url: string) => api.get(url).set('authorization', header);
  const post = (url: string, body: object = {}) => api.post(url).set('authorization', header).send(body);
  return {
    get,
    post,
    /** Creates a draft under exactly `slug`; returns its id. */
    create: async (slug: string, title = `Title of ${slug}`): Promise<string> => {
      const res = await post('/v1/articles', { title, slug, lang: 'en', body: 'Body.' });
      expect(res.status).toBe(201);
      expect(res.body.slug).toBe(slug);
      return res.body.id;
    },
    /** Writes revision `base + 1` of article `id`, which changes only its slug. */
    rename: async (id: string, base: number, slug: string): Promise<void> => {
      const res = await post(`/v1/articles/${id}/revisions`, { base_revision: base, slug });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id, revision: base + 1, slug });
    },
  };
}
