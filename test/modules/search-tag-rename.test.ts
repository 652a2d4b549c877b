import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/build-app.js';
import { createDraftArticle, createPublishedArticle, createToken } from '../helpers/factories.js';

const { api, services } = await buildTestApp();
const editor = await createToken(services, 'editor');

const slugsFor = async (q: string) =>
  (await api.get('/v1/articles').query({ q }).expect(200)).body.data.map((a: { slug: string }) => a.slug);

describe('searching after a tag rename', () => {
  it('finds the published articles by the new name and no longer by the old one', async () => {
    const first = await createPublishedArticle(services, {
      title: 'Turbines',
      body: 'Water.',
      tags: ['Zephyrine', 'Quillon'],
    });
    const second = await createPublishedArticle(services, { title: 'Dams', body: 'Rivers.', tags: ['Zephyrine'] });
    await createDraftArticle(services, { title: 'Draft', body: 'Still a draft.', tags: ['Zephyrine'] });
    expect(await slugsFor('zephyrine')).toEqual(expect.arrayContaining([first.slug, second.slug]));

    await api
      .patch('/v1/tags/zephyrine')
      .set('authorization', editor.header)
      .send({ name: 'Borealith', slug: 'borealith' })
      .expect(200);

    expect(await slugsFor('zephyrine')).toEqual([]);
    expect((await slugsFor('borealith')).sort()).toEqual([first.slug, second.slug].sort());
    // The article's other tag stays searchable, in the same document.
    expect(await slugsFor('quillon borealith')).toEqual([first.slug]);
    // Title and body are indexed as before.
    expect(await slugsFor('turbines water')).toEqual([first.slug]);
  });

  it('leaves the index of articles without the tag as it was', async () => {
    const other = await createPublishedArticle(services, { title: 'Solar', body: 'Panels.', tags: ['Helionite'] });
    await createPublishedArticle(services, { title: 'Wind', body: 'Blades.', tags: ['Ventaris'] });
    await api.patch('/v1/tags/ventaris').set('authorization', editor.header).send({ name: 'Aerolys' }).expect(200);
    expect(await slugsFor('helionite')).toEqual([other.slug]);
  });
});
