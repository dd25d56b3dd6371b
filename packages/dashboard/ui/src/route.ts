// Hash routing: `#/page?param=value`, so the page works under any mount path.
import { useEffect, useState } from 'preact/hooks';

/** The current page and its parameters. */
export interface Route {
  readonly page: string;
  readonly params: URLSearchParams;
}

function current(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [page = '', query = ''] = hash.split('?', 2);
  return { page: page === '' ? 'streams' : page, params: new URLSearchParams(query) };
}

/** The route, updated on every `hashchange`. */
export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const onChange = (): void => {
      setRoute(current());
    };
    window.addEventListener('hashchange', onChange);
    return () => {
      window.removeEventListener('hashchange', onChange);
    };
  }, []);
  return route;
}

/** The `href` of a page with parameters. */
export function href(page: string, params: Record<string, string | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, value);
  const query = search.toString();
  return `#/${page}${query === '' ? '' : `?${query}`}`;
}

/** Goes to a page. */
export function navigate(page: string, params: Record<string, string | undefined> = {}): void {
  location.hash = href(page, params);
}
