// The module app.yaml lists in `packages:` (built to dist/services.js): it registers the app's service classes.
import type { RegisteredServiceClass } from '@keel/core';
import { Notes } from './notes.js';

export { Notes } from './notes.js';
export * from './note.js';

/** The classes app.yaml's `cls:` entries can name. */
export const keelServices: readonly RegisteredServiceClass[] = [Notes];
