export { openAppDb, openAppDbAt, ensureSchema, type AppDb } from './app-db.js';
