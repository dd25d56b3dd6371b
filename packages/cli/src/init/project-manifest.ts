// The package.json `keel init` writes: the Keel packages at the versions this CLI runs with.
import { cliManifest, installedManifest } from '../package-info.js';

/**
 * Third-party tools of the generated project, at versions known to work together with Keel
 * (typia's transform follows TypeScript releases closely; vitest 5 needs Node 22).
 */
const TOOL_VERSIONS = {
  '@types/node': '^20.19.0',
  '@typia/unplugin': '12.1.1',
  'ts-patch': '^3.2.1',
  typescript: '~5.8.3',
  vitest: '~4.1.0',
} as const;

/** The generated project's package.json, as an object. */
export function projectManifest(name: string): Record<string, unknown> {
  const cli = cliManifest();
  const core = installedManifest('@keel/core');
  const redis = installedManifest('@keel/redis');
  // The app's own typia must be the one @keel/core is built with: the transform's output calls it.
  const typia = core.dependencies?.['typia'];
  if (typia === undefined) throw new Error(`${core.name} ${core.version} declares no typia dependency`);
  return {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.11' },
    scripts: {
      build: 'tspc -p tsconfig.build.json',
      start: 'tspc -p tsconfig.build.json && keel run app.yaml --embedded-redis',
      call: 'node dist/call.js',
      check: 'tspc -p tsconfig.build.json && keel check app.yaml',
      test: 'vitest run',
      typecheck: 'tsc -p tsconfig.json',
    },
    dependencies: {
      [cli.name]: cli.version,
      [core.name]: core.version,
      [redis.name]: redis.version,
      typia,
    },
    devDependencies: { ...TOOL_VERSIONS },
  };
}
