import { openEngine } from '../src/engine/open.js';
import { processConfig } from '../src/env-file.js';

const { config } = processConfig();
const engine = await openEngine(config);
const applied = await engine.migrate();
await engine.close();
const where = config.DATABASE_URL ? 'the PostgreSQL database of DATABASE_URL' : config.DATABASE_PATH;
process.stdout.write(`migrated ${where}: ${applied} migration${applied === 1 ? '' : 's'} applied\n`);
