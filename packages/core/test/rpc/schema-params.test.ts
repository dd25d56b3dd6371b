import typia from 'typia';
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { App } from '../../src/app/app.js';
import { AppStartError } from '../../src/errors/app-start-error.js';
import { JSONRPCServer } from '../../src/rpc/json-rpc-server.js';
import { jsonRpcServerSettings } from '../../src/rpc/json-rpc-server-settings.js';
import { RpcCode } from '../../src/rpc/rpc-codes.js';
import type { RpcContext } from '../../src/rpc/rpc-context.js';
import { route } from '../../src/rpc/rpc-route.js';
import { Scope } from '../../src/rpc/scope.js';
import { Service } from '../../src/services/service.js';
import { ServiceRegistry } from '../../src/services/service-registry.js';
import { config, entry, silentLogger } from '../app/fixtures.js';

const PlaceOrder = z.object({
  item: z.string().min(1),
  qty: z.number().int().max(100),
  tags: z.array(z.string()).default([]),
});

const Login = v.object({ user: v.string(), mode: v.picklist(['password', 'token']) });

/** What the handlers received. */
const received: unknown[] = [];

/** Routes validated by zod, valibot and typia, through route() and through validators. */
class SchemaService extends Service {
  get routes() {
    return {
      place: route(PlaceOrder, (order) => {
        received.push(order);
        return { ...order, total: order.qty * 2 };
      }),
      // eslint-disable-next-line @typescript-eslint/unbound-method -- the server binds `this`
      login: this.login,
      // eslint-disable-next-line @typescript-eslint/unbound-method -- route() keeps `this`
      typed: route(typia.createValidate<{ value: number }>(), this.typed),
      async_check: route(
        z.object({ id: z.string() }).refine(async () => Promise.resolve(true)),
        (params) => {
          received.push(params);
          return 'ran';
        },
      ),
    };
  }

  get validators() {
    return { login: Login };
  }

  login(params: v.InferOutput<typeof Login>): string {
    received.push(params);
    return `hello ${params.user}`;
  }

  typed(params: { value: number }, context: RpcContext): string {
    received.push(params);
    return `${this.name}:${context.method}:${params.value}`;
  }
}

class BothValidators extends Service {
  get routes() {
    return { a: route(z.object({}), () => 1) };
  }

  get validators() {
    return { a: z.object({}) };
  }
}

class NotAValidator extends Service {
  get routes() {
    return { a: () => 1 };
  }

  get validators() {
    return { a: { parse: () => true } };
  }
}

class AsyncValibot extends Service {
  get routes() {
    return { a: route(v.objectAsync({ id: v.string() }), () => 1) };
  }
}

const registry = new ServiceRegistry().register(
  JSONRPCServer,
  SchemaService,
  BothValidators,
  NotAValidator,
  AsyncValibot,
);
const started: App[] = [];

async function startServer(extra: string[] = []): Promise<JSONRPCServer> {
  const app = new App(
    config([
      entry('JSONRPCServer', { settings: { ...jsonRpcServerSettings.defaults } }),
      entry('SchemaService', { name: 'shop' }),
      ...extra.map((cls) => entry(cls)),
    ]),
    { registry, logger: silentLogger },
  );
  started.push(app);
  await app.start();
  return app.services.get(JSONRPCServer);
}

afterEach(async () => {
  received.length = 0;
  await Promise.all(started.splice(0).map((app) => app.stop()));
});

const SYSTEM = { scope: Scope.SYSTEM };

describe('JSONRPCServer: Standard Schema params', () => {
  it('gives a zod route its parsed output (defaults applied)', async () => {
    const server = await startServer();
    await expect(server.dispatch('shop.place', { item: 'pears', qty: 2 }, SYSTEM)).resolves.toEqual({
      item: 'pears',
      qty: 2,
      tags: [],
      total: 4,
    });
    expect(received).toEqual([{ item: 'pears', qty: 2, tags: [] }]);
  });

  it('answers invalid zod params with -32602 and the issue paths, without running the handler', async () => {
    const server = await startServer();
    const response = await server.call(
      { jsonrpc: '2.0', id: 1, method: 'shop.place', params: { item: '', qty: 'two', tags: ['a', 3] } },
      SYSTEM,
    );
    expect(response).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: {
        code: RpcCode.INVALID_PARAMS,
        message: 'Invalid params',
        data: {
          problems: [
            { path: '$input.item', expected: 'Too small: expected string to have >=1 characters' },
            { path: '$input.qty', expected: 'number' },
            { path: '$input.tags[1]', expected: 'string' },
          ],
        },
      },
    });
    expect(received).toEqual([]);
  });

  it('checks params with a valibot schema from validators, without echoing the value', async () => {
    const server = await startServer();
    await expect(server.dispatch('shop.login', { user: 'ann', mode: 'token' }, SYSTEM)).resolves.toBe(
      'hello ann',
    );
    const error: unknown = await server
      .dispatch('shop.login', { user: 7, mode: 'hunter2' }, SYSTEM)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      rpcCode: RpcCode.INVALID_PARAMS,
      data: {
        problems: [
          { path: '$input.user', expected: 'string' },
          { path: '$input.mode', expected: '("password" | "token")' },
        ],
      },
    });
    // valibot's own message quotes the value received; the response does not.
    expect(JSON.stringify((error as { data: unknown }).data)).not.toContain('hunter2');
  });

  it('runs a typia route() with this bound to the service', async () => {
    const server = await startServer();
    await expect(server.dispatch('shop.typed', { value: 3 }, SYSTEM)).resolves.toBe('shop:shop.typed:3');
    await expect(server.dispatch('shop.typed', { value: '3' }, SYSTEM)).rejects.toMatchObject({
      rpcCode: RpcCode.INVALID_PARAMS,
      data: { problems: [{ path: '$input.value', expected: 'number' }] },
    });
  });

  it('refuses a schema that validates asynchronously: -32603 naming the code, the handler never runs', async () => {
    const server = await startServer();
    await expect(server.dispatch('shop.async_check', { id: 'a' }, SYSTEM)).rejects.toMatchObject({
      rpcCode: RpcCode.INTERNAL_ERROR,
      data: { error: 'KeelError', code: 'SCHEMA_ASYNC_UNSUPPORTED' },
    });
    expect(received).toEqual([]);
  });

  it('lists route() validators in rpc.api', async () => {
    const server = await startServer();
    const api = (await server.dispatch('rpc.api', {}, SYSTEM)) as { method: string; validated: boolean }[];
    expect(api.filter((entry) => entry.method.startsWith('shop.'))).toEqual([
      { method: 'shop.async_check', validated: true },
      { method: 'shop.login', validated: true },
      { method: 'shop.place', validated: true },
      { method: 'shop.typed', validated: true },
    ]);
  });

  it.each([
    ['BothValidators', /route "a" has a validator in route\(\) and in validators/],
    ['NotAValidator', /validator of route "a" is neither a function \(typia\) nor a Standard Schema/],
    ['AsyncValibot', /validator of route "a" cannot be used: A valibot schema validates asynchronously/],
  ])('fails the start when %s declares an unusable validator', async (cls, message) => {
    const error: unknown = await startServer([cls]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppStartError);
    expect((error as AppStartError).failures[0]?.error).toMatchObject({
      code: 'RPC_ROUTE_INVALID',
      message: expect.stringMatching(message) as unknown,
    });
  });
});

describe('route()', () => {
  it('refuses what is not a handler, a validator or a call mode', () => {
    expect(() => route(42 as never)).toThrow(/route\(\): the handler must be a function/);
    expect(() => route({} as never, () => 1)).toThrow(/the validator must be a typia validate function/);
    expect(() => route(() => 1, { only: 'sometimes' as never })).toThrow(
      /only must be "request" or "notify"/,
    );
  });
});
