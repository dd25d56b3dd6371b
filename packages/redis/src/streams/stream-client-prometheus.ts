// StreamClientPrometheus: the Prometheus metrics of a RedisStreamRPCClient (writes and requests).
import { performance } from 'node:perf_hooks';
import {
  type BoundCounter,
  type BoundHistogram,
  type CounterMetric,
  type MetricsSink,
  RpcError,
} from '@keel/core';
import { BoundedSeries } from '../util/bounded-series.js';
import { StreamRequestTimeoutError } from './stream-errors.js';

/** Streams, and stream × method pairs, that get series of their own (the rest share `_other`). */
const STREAM_LIMIT = 200;
const METHOD_LIMIT = 500;

/** How a request ended: its result, its error reply, a timeout, or no reply (not sent, aborted, closed). */
type RequestOutcome = 'ok' | 'error' | 'timeout' | 'failed';
const OUTCOMES: readonly RequestOutcome[] = ['ok', 'error', 'timeout', 'failed'];

interface RequestSeries {
  readonly outcomes: Readonly<Record<RequestOutcome, BoundCounter>>;
  readonly timeouts: BoundCounter;
  readonly duration: BoundHistogram;
}

interface WriteSeries {
  readonly written: BoundCounter;
  readonly failed: BoundCounter;
}

/**
 * The client's metrics: messages written and failed writes per stream; requests per stream,
 * method and outcome, their duration and timeouts; requests waiting now. Series are bound on
 * first use and kept, so a message costs a map lookup and an addition.
 */
export class StreamClientPrometheus {
  readonly #writes: BoundedSeries<WriteSeries>;
  readonly #requests: BoundedSeries<RequestSeries>;
  #waiting = 0;

  constructor(sink: MetricsSink) {
    const labelNames = ['stream'] as const;
    const written = sink.counter({
      name: 'keel_stream_client_messages_written_total',
      help: 'Messages added to a stream (call, callMultiple, request, write).',
      labelNames,
    });
    const failed = sink.counter({
      name: 'keel_stream_client_write_errors_total',
      help: 'Messages whose XADD failed.',
      labelNames,
    });
    this.#writes = new BoundedSeries(STREAM_LIMIT, (stream) => ({
      written: written.bind({ stream }),
      failed: failed.bind({ stream }),
    }));
    const requests = sink.counter({
      name: 'keel_stream_client_requests_total',
      help: 'Requests (request()) by outcome: ok, error (an error reply), timeout, failed (no reply).',
      labelNames: ['stream', 'method', 'outcome'],
    });
    const timeouts = sink.counter({
      name: 'keel_stream_client_request_timeouts_total',
      help: 'Requests that got no reply within their timeout.',
      labelNames: ['stream', 'method'],
    });
    const duration = sink.histogram({
      name: 'keel_stream_client_request_duration_seconds',
      help: 'Time from a request to its reply (result or error).',
      labelNames: ['stream', 'method'],
    });
    this.#requests = new BoundedSeries(METHOD_LIMIT, (pair) => {
      const [stream = '', method = stream] = pair.split('\n');
      return requestSeries(requests, timeouts, duration.bind({ stream, method }), stream, method);
    });
    sink.gauge({
      name: 'keel_stream_client_requests_in_flight',
      help: 'Requests waiting for their reply now.',
      collect: (gauge) => {
        gauge.set({}, this.#waiting);
      },
    });
  }

  /** Counts `count` messages added to `stream`, or failed to be. */
  written(stream: string, count: number, ok: boolean): void {
    const series = this.#writes.get(stream);
    (ok ? series.written : series.failed).inc(count);
  }

  /** Measures a request of `method` on `stream` until `reply` settles; resolves and rejects as it does. */
  async request<T>(stream: string, method: string, reply: Promise<T>): Promise<T> {
    const series = this.#requests.get(`${stream}\n${method}`);
    const started = performance.now();
    this.#waiting += 1;
    try {
      const result = await reply;
      series.outcomes.ok.inc();
      series.duration.observe((performance.now() - started) / 1000);
      return result;
    } catch (error) {
      const outcome = outcomeOf(error);
      series.outcomes[outcome].inc();
      if (outcome === 'timeout') series.timeouts.inc();
      if (outcome === 'error') series.duration.observe((performance.now() - started) / 1000);
      throw error;
    } finally {
      this.#waiting -= 1;
    }
  }
}

function outcomeOf(error: unknown): Exclude<RequestOutcome, 'ok'> {
  if (error instanceof StreamRequestTimeoutError) return 'timeout';
  return error instanceof RpcError ? 'error' : 'failed';
}

function requestSeries(
  requests: CounterMetric<'stream' | 'method' | 'outcome'>,
  timeouts: CounterMetric<'stream' | 'method'>,
  duration: BoundHistogram,
  stream: string,
  method: string,
): RequestSeries {
  const outcomes = Object.fromEntries(
    OUTCOMES.map((outcome) => [outcome, requests.bind({ stream, method, outcome })]),
  ) as Record<RequestOutcome, BoundCounter>;
  return { outcomes, timeouts: timeouts.bind({ stream, method }), duration };
}
