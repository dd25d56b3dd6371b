import { AdminHttpService } from './admin/admin-http-service.js';
import { JSONRPCServer } from './rpc/json-rpc-server.js';
import { Scheduler } from './scheduler/scheduler.js';
import type { RegisteredServiceClass } from './services/service-registry.js';
import { defaultRegistry } from './services/service-registry.js';

/** Service classes of @keel/core, registered in the default registry on import. */
export const keelServices: readonly RegisteredServiceClass[] = [Scheduler, JSONRPCServer, AdminHttpService];

defaultRegistry.register(...keelServices);
