// prefersOpenMetrics: content negotiation of `/metrics` from the request's Accept header.

/** The media ranges that would take the Prometheus text format. */
const TEXT_RANGES = new Set(['text/plain', 'text/*', '*/*']);

/**
 * True when `accept` asks for `application/openmetrics-text` with a quality (`q`, 1 when
 * omitted) above 0 and at least that of any range the Prometheus text matches (`text/plain`,
 * `text/*`, `*\/*`). Prometheus sends `application/openmetrics-text;version=1.0.0,…;q=0.75,
 * text/plain;version=0.0.4;q=0.5,*\/*;q=0.1` and gets OpenMetrics; `curl` (`*\/*`) and no Accept
 * header get the Prometheus text.
 */
export function prefersOpenMetrics(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  let openMetrics = 0;
  let text = 0;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    if (!Number.isFinite(quality)) continue;
    if (type === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, quality);
    else if (TEXT_RANGES.has(type)) text = Math.max(text, quality);
  }
  return openMetrics > 0 && openMetrics >= text;
}
