export * from './admin-http-settings.js';
export * from './admin-http-service.js';
export type { AppDashboardOptions, MountedDashboard } from './load-dashboard.js';
export { bearerTokenMatches } from './bearer-token.js';
export { isLoopbackHost } from './loopback-host.js';
export { closeHttpServer, listenHttp, type ListenOptions } from './http-server-lifecycle.js';
