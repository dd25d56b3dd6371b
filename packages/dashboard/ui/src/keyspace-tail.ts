// Reads the server-sent events of `api/keyspace/events` over fetch (so the token can be a header).
import { ApiError, apiUrl, authHeaders } from './api.js';

/** One message of the tail. */
export type TailMessage =
  | { type: 'ready'; nodes: string[] }
  | { type: 'event'; key: string; event: string; node: string; at: number }
  | { type: 'dropped'; count: number }
  | { type: 'notice'; message: string }
  | { type: 'error'; message: string };

/** Options of {@link openTail}. */
export interface TailQuery {
  readonly pattern: string;
  readonly events: string;
  readonly names: string;
  readonly rate: number;
}

/** Streams the tail into `onMessage` until `signal` aborts or the server ends it. */
export async function openTail(
  query: TailQuery,
  onMessage: (message: TailMessage) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(
    apiUrl('keyspace/events', {
      pattern: query.pattern,
      events: query.events,
      names: query.names === '' ? undefined : query.names,
      rate: query.rate,
    }),
    { headers: authHeaders(), signal },
  );
  if (!response.ok || response.body === null) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new ApiError(response.status, body?.error?.message ?? `HTTP ${response.status}`, body);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      if (data !== '') onMessage(JSON.parse(data) as TailMessage);
      end = buffer.indexOf('\n\n');
    }
  }
}
