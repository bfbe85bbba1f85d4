import type { ServiceEnvironment } from '../db/schema.js';
import type { FranceConnectService } from '../franceconnect/franceconnect.service.js';
import type { Gateway } from './gateway.service.js';

/** Who signs the citizen in and where the data come from, for the services of one environment. */
export interface Platform {
  franceconnect: FranceConnectService;
  gateway: Gateway;
}

/**
 * Production's platform, and the test platform that serves the services in « bac à sable » (test identities,
 * fictitious data), when this deployment has one (config.testPlatform).
 */
export type Platforms = Record<'production', Platform> & Partial<Record<ServiceEnvironment, Platform>>;

/** The platform a service of this environment is served by; undefined for « bac à sable » where there is none. */
export const platformOf = (platforms: Platforms, environment: ServiceEnvironment): Platform | undefined => platforms[environment];
