// The auto-refresh switch, a refresh button and the "last updated" time of a page.
import { formatTime } from '../format.js';

export interface RefreshBarProps {
  readonly auto: boolean;
  readonly onAuto: (auto: boolean) => void;
  readonly updatedAt: number | undefined;
  readonly onReload: () => void;
}

/** Auto-refresh (once a second) on or off, "last updated", and a manual refresh. */
export function RefreshBar({ auto, onAuto, updatedAt, onReload }: RefreshBarProps) {
  return (
    <div class="refresh-bar">
      <label>
        <input
          type="checkbox"
          checked={auto}
          data-testid="auto-refresh"
          onChange={(event) => {
            onAuto(event.currentTarget.checked);
          }}
        />{' '}
        auto-refresh (1 s)
      </label>
      <button type="button" onClick={onReload}>
        Refresh
      </button>
      <span class="muted" data-testid="last-updated">
        last updated {updatedAt === undefined ? '—' : formatTime(updatedAt)}
      </span>
    </div>
  );
}
