import { Container } from 'inversify';
import { KeelError } from '../errors/keel-error.js';
import { Service, type ServiceClass, type ServiceLookup } from '../services/service.js';

/**
 * The app's service container: an inversify container where each built service is bound under
 * its name and under its class and every ancestor class up to {@link Service}, so a lookup by a
 * base class finds subclasses too.
 */
export class ServiceContainer implements ServiceLookup {
  readonly #container = new Container();
  readonly #services: Service[] = [];

  /** Binds a built service by name and by class. */
  add(service: Service): void {
    if (this.#container.isBound(service.name)) {
      throw new KeelError('SERVICE_NAME_CONFLICT', `Two services are named "${service.name}"`);
    }
    this.#container.bind<Service>(service.name).toConstantValue(service);
    for (const cls of serviceClassChain(service)) this.#container.bind<Service>(cls).toConstantValue(service);
    this.#services.push(service);
  }

  get<T extends Service>(cls: ServiceClass<T>): T;
  get(name: string): Service;
  get(nameOrClass: string | ServiceClass): Service {
    if (typeof nameOrClass === 'string') {
      if (!this.#container.isBound(nameOrClass)) {
        throw new KeelError('SERVICE_NOT_FOUND', `No service is named "${nameOrClass}"`, {
          details: { name: nameOrClass },
        });
      }
      return this.#container.get<Service>(nameOrClass);
    }
    const found = this.findAll(nameOrClass);
    const [first] = found;
    if (first === undefined) {
      throw new KeelError('SERVICE_NOT_FOUND', `No service of class ${nameOrClass.name} is configured`, {
        details: { cls: nameOrClass.name },
      });
    }
    if (found.length > 1) {
      throw new KeelError(
        'SERVICE_AMBIGUOUS',
        `${found.length} services of class ${nameOrClass.name} exist (${found.map((s) => `"${s.name}"`).join(', ')}); look one up by name`,
        { details: { cls: nameOrClass.name, names: found.map((s) => s.name) } },
      );
    }
    return first;
  }

  has(nameOrClass: string | ServiceClass): boolean {
    return typeof nameOrClass === 'string'
      ? this.#container.isBound(nameOrClass)
      : this.findAll(nameOrClass).length === 1;
  }

  /** Every service that is an instance of `cls`, in config order. */
  findAll<T extends Service>(cls: ServiceClass<T>): T[] {
    return this.#container.isBound(cls) ? this.#container.getAll<T>(cls) : [];
  }

  all(): readonly Service[] {
    return this.#services;
  }
}

/** The service's class and its ancestors, stopping before the abstract {@link Service} base. */
function* serviceClassChain(service: Service): Generator<ServiceClass> {
  let proto: unknown = Object.getPrototypeOf(service);
  while (proto !== null && proto !== Service.prototype && proto !== Object.prototype) {
    yield (proto as { constructor: ServiceClass }).constructor;
    proto = Object.getPrototypeOf(proto);
  }
}
