// The broker's public API for the CLI, Electron, web mode, e2e and benchmarks.
export { startBroker, buildApp, type BrokerOptions, type RunningBroker } from './server';
export { openDatabase, migrate, loadMigrations, DEFAULT_MIGRATIONS_DIR, type Db } from './db';
export { seedDemo, seedPatients, type SeedResult } from './seed';
export { testUsers, TOKEN_ISSUER, TOKEN_AUDIENCE, type TestUser, type UserRole } from './auth';
export { READ_MAX_AGE_MS } from './send';
