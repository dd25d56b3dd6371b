export * from './map-notification.js';
export * from './map-subscription.js';
export * from './redis-map.js';
export * from './redis-map-service.js';
export * from './redis-map-service-settings.js';
export * from './redis-map-types.js';
