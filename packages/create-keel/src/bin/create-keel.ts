#!/usr/bin/env node
import { createKeelProgram } from '../create-program.js';

await createKeelProgram().parseAsync(process.argv);
