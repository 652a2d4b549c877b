import { seed } from '../seeds/index.js';
import { createServices } from '../src/app.js';
import { openEngine } from '../src/engine/open.js';
import { processConfig } from '../src/env-file.js';

const { config } = processConfig();
const engine = await openEngine(config);
await engine.migrate();
const slugs = await engine.exclusively(() => seed(createServices(engine, undefined, config)));
await engine.close();
process.stdout.write(
  slugs.length > 0 ? `seeded: ${slugs.join(', ')}\n` : 'the database already holds articles; nothing seeded\n',
);
