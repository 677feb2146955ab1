/** The command list; each command lives in its own file next to this one. */
import type { Command } from '../command.js';
import { ingestCommand } from './ingest.js';
import { rejectsCommand } from './rejects.js';
import { runCommand } from './run.js';
import { feedsCommand } from './feeds.js';
import { channelsCommand } from './channels.js';
import { validateCommand } from './validate.js';
import { exportCommand } from './export.js';
import { doctorCommand } from './doctor.js';
import { workerCommand } from './worker.js';
import { tasksCommand } from './tasks.js';
import { scheduleCommand } from './schedule.js';
import { serveCommand } from './serve.js';
import { catalogCommand } from './catalog.js';
import { tokenCommand } from './token.js';

export const COMMANDS: Command[] = [runCommand, ingestCommand, rejectsCommand, channelsCommand, validateCommand, exportCommand, feedsCommand, doctorCommand, workerCommand, tasksCommand, scheduleCommand, serveCommand, catalogCommand, tokenCommand];
