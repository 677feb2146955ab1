/** The command list; each command lives in its own file next to this one. */
import type { Command } from '../command.js';

export const COMMANDS: Command[] = [];
