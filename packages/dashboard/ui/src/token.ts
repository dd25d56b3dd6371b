// The dashboard token: taken from the URL fragment (#token=…) once, kept in sessionStorage.

const STORAGE_KEY = 'keel-dashboard-token';
let memory: string | null = null;

/** Moves a `token=` parameter of the fragment into storage and removes it from the address bar. */
export function takeTokenFromFragment(): void {
  const match = /(?:^#|[?&#])token=([^&]*)/.exec(location.hash);
  if (match?.[1] === undefined) return;
  setToken(decodeURIComponent(match[1]));
  const rest = location.hash.replace(/[?&#]?token=[^&]*/, '').replace(/^#?&?/, '#');
  history.replaceState(
    null,
    '',
    `${location.pathname}${location.search}${rest === '#' ? '#/streams' : rest}`,
  );
}

/** The token to send, or `null`. */
export function getToken(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? memory;
  } catch {
    return memory;
  }
}

/** Keeps `token` for this tab (sessionStorage, or memory when storage is off). */
export function setToken(token: string): void {
  memory = token;
  try {
    sessionStorage.setItem(STORAGE_KEY, token);
  } catch {
    // storage disabled: memory only
  }
}
