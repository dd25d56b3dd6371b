import { describe, expect, it } from 'vitest';
import { describeBoth } from '../../../test-utils/src/index.js';
import { defineLuaScripts, readLuaScript, runLuaScript } from '../../src/lua/lua-script.js';

const incrByIf = readLuaScript(new URL('./fixtures/incr-by-if.lua', import.meta.url));

describe('readLuaScript', () => {
  it('requires a KEYS/ARGV/Reply header', () => {
    expect(() => readLuaScript(new URL('./fixtures/no-header.lua', import.meta.url))).toThrow(
      expect.objectContaining({ code: 'LUA_SCRIPT_INVALID' }),
    );
    expect(incrByIf.name).toBe('keel_incr_by_if');
    expect(incrByIf.sha1).toMatch(/^[0-9a-f]{40}$/);
  });
});

describeBoth('Lua scripts', (target) => {
  it('run on a client and in a pipeline, and survive SCRIPT FLUSH', async () => {
    const transport = await target.transport();
    const { client } = transport;
    expect(() => runLuaScript(client, incrByIf, ['lua:n'], [1, 10])).toThrow(
      expect.objectContaining({ code: 'LUA_SCRIPT_NOT_DEFINED' }),
    );
    defineLuaScripts(client, [incrByIf]);
    defineLuaScripts(client, [incrByIf]);
    expect(await runLuaScript(client, incrByIf, ['lua:n'], [5, 10])).toBe(5);
    const pipeline = client.pipeline();
    void runLuaScript(pipeline, incrByIf, ['lua:n'], [5, 10]);
    void runLuaScript(pipeline, incrByIf, ['lua:n'], [5, 10]);
    expect(await pipeline.exec()).toEqual([
      [null, 10],
      [null, -1],
    ]);
    for (const master of transport.masters()) await master.script('FLUSH');
    expect(await runLuaScript(client, incrByIf, ['lua:m'], [2, 10])).toBe(2);
  });
});
