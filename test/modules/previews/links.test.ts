import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config.js';
import { buildTestApp } from '../../helpers/build-app.js';
import { createDraftArticle, createToken } from '../../helpers/factories.js';

const FORWARDED = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'cms.example' };

async function appWith(config: Partial<Config>) {
  const { api, services } = await buildTestApp({ config });
  const editor = await createToken(services, 'editor');
  const article = await createDraftArticle(services);
  const create = () =>
    api.post(`/v1/articles/${article.id}/preview`).set('authorization', editor.header).set(FORWARDED).send({});
  return { api, create };
}

const direct = await appWith({});
const proxied = await appWith({ TRUST_PROXY: true });
const frontend = await appWith({ PREVIEW_URL: 'https://site.example/preview?token={token}&draft=1' });

describe('the URL of a preview link', () => {
  it("is the API's own preview route at the address the request reached, forwarded headers ignored", async () => {
    const res = await direct.create();
    expect(res.status).toBe(201);
    expect(res.body.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/v1/preview/${res.body.token}$`));
    expect((await direct.api.get(new URL(res.body.url).pathname)).status).toBe(200);
  });

  it('takes the protocol and host a trusted proxy names', async () => {
    const res = await proxied.create();
    expect(res.body.url).toBe(`https://cms.example/v1/preview/${res.body.token}`);
  });

  it('is PREVIEW_URL with the token in it when that is set, and the token still opens the API preview', async () => {
    const res = await frontend.create();
    expect(res.body.url).toBe(`https://site.example/preview?token=${res.body.token}&draft=1`);
    expect((await frontend.api.get(`/v1/preview/${res.body.token}`)).status).toBe(200);
  });
});
