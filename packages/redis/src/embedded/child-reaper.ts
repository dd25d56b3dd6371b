/** Something that must not outlive this process: killed synchronously when it exits. */
export interface Reapable {
  /** Kills the process with SIGKILL and removes its temporary files, synchronously. */
  reap(): void;
}

const live = new Set<Reapable>();
let installed = false;

/**
 * Registers `item` to be reaped when this process exits. One `exit` handler serves every item.
 *
 * On SIGINT/SIGTERM/SIGHUP the items are reaped only when no other listener handles the
 * signal; the signal is then re-raised so the default behaviour (terminate) still happens. An
 * application that installs its own handler keeps full control, and the items die on `exit`.
 */
export function trackForExit(item: Reapable): void {
  install();
  live.add(item);
}

/** Removes `item` from the exit list (it was stopped normally). */
export function untrackForExit(item: Reapable): void {
  live.delete(item);
}

function reapAll(): void {
  for (const item of live) {
    try {
      item.reap();
    } catch {
      // best effort: the process is going away
    }
  }
  live.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', reapAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 1) return; // the app handles it and will exit
      reapAll();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
