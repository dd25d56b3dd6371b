// Newer / older paging over cursors (stream ids or SCAN cursors) kept on a stack.
import { useState } from 'preact/hooks';

/** The page being shown and the moves between pages. */
export interface Paging {
  /** The cursor of the page shown (`undefined`: the first page). */
  readonly cursor: string | undefined;
  readonly first: boolean;
  readonly next: (cursor: string) => void;
  readonly previous: () => void;
  readonly reset: () => void;
}

/** A stack of cursors: `next` pushes the page's next cursor, `previous` pops. */
export function usePaging(): Paging {
  const [stack, setStack] = useState<readonly string[]>([]);
  return {
    cursor: stack.at(-1),
    first: stack.length === 0,
    next: (cursor) => {
      setStack([...stack, cursor]);
    },
    previous: () => {
      setStack(stack.slice(0, -1));
    },
    reset: () => {
      setStack([]);
    },
  };
}

export interface PagerProps {
  readonly paging: Paging;
  /** The next page's cursor, `null` at the end. */
  readonly next: string | null | undefined;
  readonly labels?: readonly [previous: string, next: string];
}

/** Buttons to go back a page or on to the next one. */
export function Pager({ paging, next, labels = ['← First / previous', 'Next →'] }: PagerProps) {
  return (
    <div class="pager">
      <button type="button" disabled={paging.first} data-testid="page-previous" onClick={paging.previous}>
        {labels[0]}
      </button>{' '}
      <button
        type="button"
        disabled={next === null || next === undefined}
        data-testid="page-next"
        onClick={() => {
          if (typeof next === 'string') paging.next(next);
        }}
      >
        {labels[1]}
      </button>
    </div>
  );
}
