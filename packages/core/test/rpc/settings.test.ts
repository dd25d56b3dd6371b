import { describe, expect, it } from 'vitest';
import { keelServices } from '../../src/builtin-services.js';
import { JSONRPCServer } from '../../src/rpc/json-rpc-server.js';
import { jsonRpcServerSettings } from '../../src/rpc/json-rpc-server-settings.js';

describe('JSONRPCServer settings', () => {
  it('accepts none (defaults apply) and a valid subset', () => {
    expect(jsonRpcServerSettings.validate({}).success).toBe(true);
    expect(jsonRpcServerSettings.validate({ maxParallelTasks: 4, enableBuiltins: false }).success).toBe(true);
    expect(jsonRpcServerSettings.defaults).toMatchObject({
      maxParallelTasks: 128,
      defaultRequestTimeMs: 30_000,
    });
  });

  it('rejects unknown keys and out-of-range values', () => {
    expect(jsonRpcServerSettings.validate({ maxParallelTask: 4 }).success).toBe(false);
    expect(jsonRpcServerSettings.validate({ maxParallelTasks: 0 }).success).toBe(false);
    expect(jsonRpcServerSettings.validate({ defaultRequestTimeMs: -1 }).success).toBe(false);
    expect(jsonRpcServerSettings.keys).toContain('maxQueuedRequests');
  });

  it('is registered among the core services under its kaiju name', () => {
    expect(keelServices).toContain(JSONRPCServer);
    expect(JSONRPCServer.name).toBe('JSONRPCServer');
  });
});
