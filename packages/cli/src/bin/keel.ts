#!/usr/bin/env node
// The `keel` command. Inside a project with its own @keel/cli it runs that one, so that the
// project's services and the CLI share one copy of @keel/core.
import { projectCliBin } from '../project-cli.js';

const projectBin = projectCliBin(process.cwd());
if (projectBin === undefined) {
  const { createProgram } = await import('../program.js');
  await createProgram().parseAsync(process.argv);
} else {
  await import(projectBin);
}
