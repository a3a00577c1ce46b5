import { Counter, type Registry } from 'prom-client';

export function createApiRequestsCounter(registry: Registry): Counter<'route' | 'status'> {
  return new Counter({
    name: 'breakout_api_requests_total',
    help: 'HTTP API requests, by route pattern and response status.',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
}
