import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { parseYaml } from '../../src/config/parse-yaml.js';
import { formatConfigIssue } from '../../src/errors/config-error.js';
import { configIssues } from './helpers/config-issues.js';
import { fakeRegistry } from './helpers/fake-services.js';
import { tempFiles, type TempFiles } from './helpers/temp-files.js';

describe('parseYaml', () => {
  it('reports a syntax error with a 1-based line and column', () => {
    const { issues, document } = parseYaml('app:\n  name: a\n  name: b\n', 'app.yaml');
    expect(document).toBeUndefined();
    expect(issues).toEqual([
      {
        file: 'app.yaml',
        path: '(file)',
        message: 'YAML syntax error: duplicated mapping key',
        line: 3,
        column: 3,
      },
    ]);
    expect(formatConfigIssue(issues[0]!)).toBe(
      'app.yaml:3:3: (file): YAML syntax error: duplicated mapping key',
    );
  });

  it('points at the bad indentation', () => {
    const { issues } = parseYaml('services:\n  - cls: A\n     name: b\n', 'a.yaml');
    expect(issues[0]).toMatchObject({
      line: 3,
      column: 10,
      message: expect.stringContaining('bad indentation'),
    });
  });

  it('reads an empty file (or one with only comments) as an empty map', () => {
    expect(parseYaml('', 'a.yaml')).toEqual({ document: {}, issues: [] });
    expect(parseYaml('# nothing yet\n', 'a.yaml')).toEqual({ document: {}, issues: [] });
  });

  it('rejects several documents and a top level that is not a map', () => {
    expect(parseYaml('a: 1\n---\nb: 2\n', 'a.yaml').issues[0]?.message).toBe(
      'expected one YAML document, found 2',
    );
    expect(parseYaml('- just\n- a list\n', 'a.yaml').issues[0]).toMatchObject({
      expected: 'a map',
      got: ['just', 'a list'],
    });
  });

  it('drops __proto__ keys with an issue, so no prototype can be polluted', () => {
    const text =
      'vars:\n  __proto__: {polluted: true}\n  ok: 1\nservices:\n  - {cls: A, settings: {__proto__: {admin: true}}}\n';
    const { document, issues } = parseYaml(text, 'evil.yaml');
    expect(issues.map((issue) => issue.path)).toEqual(['vars.__proto__', 'services[0].settings.__proto__']);
    expect(issues[0]).toMatchObject({ file: 'evil.yaml', message: '"__proto__" is not allowed as a key' });
    expect(document).toEqual({ vars: { ok: 1 }, services: [{ cls: 'A', settings: {} }] });
    expect(Object.getPrototypeOf(document)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });

  it('supports anchors and << merge keys, copying aliased maps', () => {
    const { document } = parseYaml('base: &b {host: h, port: 1}\nother: {<<: *b, port: 2}\n', 'a.yaml');
    expect(document).toEqual({ base: { host: 'h', port: 1 }, other: { host: 'h', port: 2 } });
  });
});

describe('loadConfig file problems', () => {
  let files: TempFiles;
  beforeEach(async () => {
    files = await tempFiles();
  });
  afterEach(async () => {
    await files.remove();
  });

  it('reports a missing file and a broken file together with the problems of a good file', async () => {
    const broken = await files.write('broken.yaml', 'app:\n  name: [unclosed\n');
    const good = await files.write('good.yaml', 'services:\n  - cls: RedisCahe\n');
    const missing = `${files.dir}/missing.yaml`;
    const issues = await configIssues(
      loadConfig([broken, missing, good], { registry: fakeRegistry(), env: {} }),
    );
    expect(issues).toMatchObject([
      { file: broken, path: '(file)', line: 3, column: 1 },
      { file: missing, path: '(file)', message: 'file not found' },
      { file: good, path: 'services[0].cls', suggestion: 'RedisCache' },
    ]);
  });

  it('reports a __proto__ key in a config file', async () => {
    const file = await files.write('a.yaml', 'app:\n  __proto__: {name: x}\n');
    const issues = await configIssues(loadConfig([file], { registry: fakeRegistry(), env: {} }));
    expect(issues).toEqual([{ file, path: 'app.__proto__', message: '"__proto__" is not allowed as a key' }]);
  });

  it('rejects unknown top-level keys with a suggestion and sections of the wrong kind', async () => {
    const file = await files.write('a.yaml', 'servises: []\napp: [1]\npackages: {a: 1}\n');
    const issues = await configIssues(loadConfig([file], { registry: fakeRegistry(), env: {} }));
    expect(issues).toMatchObject([
      { file, path: 'servises', message: 'unknown top-level key', suggestion: 'services' },
      { file, path: 'app', expected: 'a map', got: [1] },
      { file, path: 'packages', expected: 'a list', got: { a: 1 } },
    ]);
  });

  it('needs at least one file', async () => {
    const issues = await configIssues(loadConfig([], { env: {} }));
    expect(issues[0]?.message).toBe('no configuration file given');
  });
});
