// The JSON API of the dashboard (docs/dashboard.md lists every route).
import { DashboardRequestError } from '../dashboard-request-error.js';
import { appStatus } from '../data/app-status.js';
import { allDeadLetterIds, deadLetters, deleteDeadLetters, replayDeadLetters } from '../data/dead-letters.js';
import { listLocks } from '../data/lock-list.js';
import { scanPage } from '../data/node-scan.js';
import { streamDetail } from '../data/stream-detail.js';
import { streamEntries, type EntryPageOptions } from '../data/stream-entries.js';
import { streamSummaries } from '../data/stream-summaries.js';
import { pauseHolderOf, pauseTopic, resumeTopic } from '../data/topic-pause.js';
import { TOPIC_STREAM_PATTERN } from '../data/topic-stream-key.js';
import { STREAMED, type ApiRoute } from './api-context.js';
import { dashboardInfo } from './dashboard-info.js';
import { intParam, optionalText, requiredText, textList } from './query-params.js';
import { checkBody, idsOrAll } from './request-bodies.js';

/** Default time a pause from the dashboard lasts unless renewed, ms (the listeners' default). */
const DEFAULT_PAUSE_TTL_MS = 5 * 60_000;
const EVENT_FLAGS = /^[Ag$lshzxetdmnKE]+$/;

/** The `before` and `count` of an entry page. */
function entryPage(url: URL): EntryPageOptions {
  return { before: optionalText(url, 'before'), count: intParam(url, 'count', 1, 200, 25) };
}

/** Every route of the API. */
export const apiRoutes: readonly ApiRoute[] = [
  { method: 'GET', path: 'info', handle: ({ parts }) => dashboardInfo(parts) },
  {
    method: 'GET',
    path: 'streams',
    handle: async ({ url, parts }) => {
      const page = await scanPage(parts.redis, {
        match: optionalText(url, 'match') ?? TOPIC_STREAM_PATTERN,
        type: 'stream',
        limit: intParam(url, 'count', 1, 500, 50),
        cursor: optionalText(url, 'cursor', 8192),
      });
      const streams = await streamSummaries(parts.redis, page.keys, parts.trimMode);
      streams.sort((a, b) => a.key.localeCompare(b.key));
      return { streams, cursor: page.cursor };
    },
  },
  {
    method: 'GET',
    path: 'streams/summary',
    handle: async ({ url, parts }) => ({
      streams: await streamSummaries(parts.redis, textList(url, 'key', 500), parts.trimMode),
    }),
  },
  {
    method: 'GET',
    path: 'stream',
    handle: ({ url, parts }) => streamDetail(parts.redis, requiredText(url, 'key'), parts.trimMode),
  },
  {
    method: 'GET',
    path: 'stream/entries',
    handle: ({ url, parts }) => streamEntries(parts.redis, requiredText(url, 'key'), entryPage(url)),
  },
  {
    method: 'GET',
    path: 'stream/dead',
    handle: ({ url, parts }) => deadLetters(parts.redis, requiredText(url, 'key'), entryPage(url)),
  },
  {
    method: 'POST',
    path: 'stream/dead/replay',
    handle: async ({ body, parts }) => {
      const input = checkBody('deadLetters', body);
      const ids = idsOrAll(input);
      const list = ids === 'all' ? await allDeadLetterIds(parts.redis, input.key) : ids;
      return replayDeadLetters(parts.redis, input.key, list);
    },
  },
  {
    method: 'POST',
    path: 'stream/dead/delete',
    handle: async ({ body, parts }) => {
      const input = checkBody('deadLetters', body);
      const ids = idsOrAll(input);
      const list = ids === 'all' ? await allDeadLetterIds(parts.redis, input.key) : ids;
      return { deleted: await deleteDeadLetters(parts.redis, input.key, list) };
    },
  },
  {
    method: 'POST',
    path: 'stream/pause',
    handle: async ({ body, parts }) => {
      const input = checkBody('pause', body);
      const ttlMs = input.ttlMs ?? DEFAULT_PAUSE_TTL_MS;
      return { pause: await pauseTopic(parts.redis, input.key, parts.owner, ttlMs) };
    },
  },
  {
    method: 'POST',
    path: 'stream/resume',
    handle: async ({ body, parts }) => {
      const input = checkBody('resume', body);
      const resumed = await resumeTopic(parts.redis, input.key, parts.owner, input.force === true);
      return { resumed, pause: await pauseHolderOf(parts.redis, input.key) };
    },
  },
  {
    method: 'GET',
    path: 'locks',
    handle: ({ url, parts }) =>
      listLocks(parts.redis, {
        prefix: url.searchParams.get('prefix') ?? '',
        cursor: optionalText(url, 'cursor', 8192),
        limit: intParam(url, 'count', 1, 500, 50),
      }),
  },
  {
    method: 'GET',
    path: 'keyspace/events',
    handle: async ({ req, res, url, parts }) => {
      const events = optionalText(url, 'events', 32) ?? 'A';
      if (!EVENT_FLAGS.test(events)) {
        throw new DashboardRequestError(
          400,
          `events: expected A or flags of g$lshzxetdmn, got ${JSON.stringify(events)}`,
        );
      }
      const names = (optionalText(url, 'names') ?? '')
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '');
      await parts.tails.serve(req, res, {
        pattern: optionalText(url, 'pattern') ?? '*',
        events,
        names: new Set(names),
        rate: intParam(url, 'rate', 1, 1000, 50),
        configure: parts.keyspaceConfigure,
      });
      return STREAMED;
    },
  },
  {
    method: 'POST',
    path: 'rpc',
    handle: ({ body, parts }) => parts.rpc.request(checkBody('rpc', body)),
  },
  {
    method: 'GET',
    path: 'app',
    handle: async ({ parts }) => ({ app: parts.app === undefined ? null : await appStatus(parts.app) }),
  },
];
