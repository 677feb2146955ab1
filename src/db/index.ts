export { openAppDb, openAppDbAt, ensureColumn, ensureSchema, type AppDb } from './app-db.js';
