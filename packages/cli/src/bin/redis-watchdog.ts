#!/usr/bin/env node
import { createWatchdogProgram } from '../commands/watch-command.js';

await createWatchdogProgram().parseAsync(process.argv);
