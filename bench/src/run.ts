import { parseArgs } from 'node:util';
import { formatJsonLines, formatTable } from './harness/report.js';
import { runSuite } from './harness/run-suite.js';
import type { BenchOptions } from './harness/suite.js';
import { suites } from './suites/index.js';

const USAGE = `usage: pnpm bench <suite...|all> [--json] [--rounds N] [--duration MS] [--warmup MS] [--concurrency N]
       pnpm bench --list`;

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new Error(`--${name} must be a positive integer, got ${value}`);
  return parsed;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      concurrency: { type: 'string' },
    },
  });
  if (values.list) {
    for (const suite of suites.values()) process.stdout.write(`${suite.name}\t${suite.description}\n`);
    return 0;
  }
  const names = positionals.includes('all') ? [...suites.keys()] : positionals;
  if (names.length === 0) {
    process.stderr.write(`${USAGE}\nsuites: ${[...suites.keys()].join(', ')}\n`);
    return 2;
  }
  const unknown = names.filter((name) => !suites.has(name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown suite: ${unknown.join(', ')} (known: ${[...suites.keys()].join(', ')})\n`);
    return 2;
  }
  for (const name of names) {
    const suite = suites.get(name)!;
    const options: BenchOptions = {
      concurrency: positiveInt(values.concurrency, 'concurrency', suite.defaultConcurrency ?? 50),
      durationMs: positiveInt(values.duration, 'duration', 1000),
      warmupMs: positiveInt(values.warmup, 'warmup', 500),
      rounds: positiveInt(values.rounds, 'rounds', 5),
    };
    const results = await runSuite(suite, options, (message) => {
      process.stderr.write(`[${suite.name}] ${message}\n`);
    });
    process.stdout.write(values.json ? formatJsonLines(results) : formatTable(suite, results, options));
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
