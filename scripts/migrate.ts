import { loadConfig } from '../src/config.js';
import { openEngine } from '../src/engine/open.js';

const config = loadConfig(process.env);
const engine = await openEngine(config);
const applied = await engine.migrate();
await engine.close();
const where = config.DATABASE_URL ? 'the PostgreSQL database of DATABASE_URL' : config.DATABASE_PATH;
process.stdout.write(`migrated ${where}: ${applied} migration${applied === 1 ? '' : 's'} applied\n`);
