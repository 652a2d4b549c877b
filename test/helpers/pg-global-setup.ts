/**
 * Global setup of the postgres test project: one migrated template database per run, which each
 * test file copies (CREATE DATABASE … TEMPLATE, tens of milliseconds), dropped at the end.
 * Without TEST_DATABASE_URL this fails the run: a PostgreSQL suite that skips silently proves nothing.
 */
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { runPgMigrations } from '../../src/db/pg/migrate.js';
import { createDatabase, onServer } from './pg-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error('The postgres project needs TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test');
  }
  const name = `fjord_template_${randomBytes(6).toString('hex')}`;
  const template = await createDatabase(url, name);
  await runPgMigrations(template.url);
  project.provide('pgTemplate', name);
  return async () => {
    // Every database of this run, those a failed file left behind included (see testDatabaseName).
    const run = name.replace(/^fjord_template_/, '');
    const { rows } = await onServer(
      url,
      `SELECT datname FROM pg_database WHERE datname LIKE 'fjord\\_test\\_${run}\\_%'`,
    );
    for (const { datname } of rows as { datname: string }[])
      await onServer(url, `DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await template.drop();
  };
}
