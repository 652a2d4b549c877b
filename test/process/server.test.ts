import { connect } from 'node:net';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { knownSchemaVersion } from '../../src/db/migrate.js';
import { freePort, startServer, tempDatabasePath } from '../helpers/server-process.js';

describe('the server process', () => {
  it('refuses to start on invalid configuration, naming every bad variable', async () => {
    const server = startServer({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_PATH: tempDatabasePath() });
    expect(await server.exited).toBe(78);
    expect(server.stderr()).toContain('PORT="eighty"');
    expect(server.stderr()).toContain('LOG_LEVEL="loud"');
    expect(server.stderr()).not.toMatch(/\n\s+at /);
  });

  it('refuses a database written by a newer schema, and leaves it untouched', async () => {
    const path = tempDatabasePath();
    const first = startServer({ PORT: String(await freePort()), DATABASE_PATH: path });
    await first.ready();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const db = new BetterSqlite3(path);
    db.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)').run(
      'next',
      knownSchemaVersion() + 1,
    );
    const before = db.prepare('select count(*) as n from articles').get();
    db.close();

    const second = startServer({ PORT: String(await freePort()), DATABASE_PATH: path });
    expect(await second.exited).toBe(78);
    expect(second.stderr()).toContain('newer version of Fjord');
    const after = new BetterSqlite3(path, { readonly: true });
    expect(after.prepare('select count(*) as n from articles').get()).toEqual(before);
    after.close();
  });

  it('on SIGTERM finishes the request in flight, then exits 0', async () => {
    const server = startServer({ PORT: String(await freePort()), DATABASE_PATH: tempDatabasePath() });
    await server.ready();
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let response = '';
    socket.on('data', (chunk) => {
      response += chunk.toString();
    });
    const ended = new Promise((resolve) => socket.once('close', resolve));
    // Half a request is on the wire when the signal arrives...
    socket.write('GET /v1/articles HTTP/1.1\r\nHost: localhost\r\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    // ...and the rest after it: the request is still answered in full.
    socket.write('Connection: close\r\n\r\n');
    await ended;
    expect(response).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(response).toContain('"next_cursor":null');
    expect(await server.exited).toBe(0);
  });
});
