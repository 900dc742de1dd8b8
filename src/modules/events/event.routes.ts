import { listSchema, publishSchema } from './event.service';
import * as R from '../../rest/responses';
import { type RestRoute } from '../../rest/route-table';
import { eventPayload } from './event.service';

export const eventRoutes: RestRoute[] = [
  {
    method: 'GET',
    path: '/api/v1/events/catalog',
    response: R.eventCatalog,
    operation: 'eventCatalog',
    source: 'added',
    handle: async (s) => ({ events: s.events.catalog() }),
  },
  {
    method: 'GET',
    path: '/api/v1/events',
    input: listSchema,
    response: R.eventPage,
    operation: 'listEvents',
    source: 'added',
    query: { limit: 'first', cursor: 'after', type: 'type' },
    async handle(s, ctx, req) {
      const page = await s.events.list(ctx, req.input);
      return { events: page.events.map(eventPayload), next_cursor: page.nextCursor };
    },
  },
  {
    method: 'POST',
    path: '/api/v1/events',
    input: publishSchema,
    response: R.event,
    operation: 'publishEvent',
    status: 202,
    source: 'added (data-plane events, e.g. memory.ingested)',
    body: { type: 'type', data: 'data' },
    handle: async (s, ctx, req) => eventPayload(await s.events.publish(ctx, req.input)),
  },
];
