// Loads data and, while auto-refresh is on, loads it again a second after each answer.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** What {@link useRefresh} gives a page. */
export interface Refreshed<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  /** When the last successful answer arrived (`Date.now()`). */
  readonly updatedAt: number | undefined;
  /** Loads now (and restarts the refresh timer). */
  readonly reload: () => void;
}

/** Auto-refresh period: never more than once a second. */
export const REFRESH_MS = 1000;

/**
 * Runs `load` when `key` changes and, when `auto` is on, again `REFRESH_MS` after each answer
 * (never two at once; not while the tab is hidden). Answers of an earlier `key` are dropped.
 */
export function useRefresh<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  auto: boolean,
): Refreshed<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; updatedAt?: number; key?: string }>({});
  const loadRef = useRef(load);
  loadRef.current = load;
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async (): Promise<void> => {
      if (document.hidden && auto) {
        timer = setTimeout(() => void run(), REFRESH_MS);
        return;
      }
      try {
        const data = await loadRef.current(controller.signal);
        if (controller.signal.aborted) return;
        setState({ data, updatedAt: Date.now(), key });
      } catch (error) {
        if (controller.signal.aborted) return;
        setState((previous) => ({
          ...(previous.key === key ? previous : {}),
          error: error instanceof Error ? error : new Error(String(error)),
          key,
        }));
      }
      if (auto) timer = setTimeout(() => void run(), REFRESH_MS);
    };
    void run();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [key, auto, tick]);

  const reload = useCallback(() => {
    setTick((n) => n + 1);
  }, []);
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    updatedAt: current ? state.updatedAt : undefined,
    reload,
  };
}
