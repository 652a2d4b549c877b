/**
 * The ceiling: a bare Fastify server that answers every GET with the seeded article's exact JSON
 * bytes from memory. Whatever Fjord does beyond this (routing, validation, SQL, serialization,
 * headers) shows up as the ratio between the two.
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const body = readFileSync(process.env.BODY_FILE ?? '', 'utf8');
const app = Fastify({ logger: false });
app.get('/*', async (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
