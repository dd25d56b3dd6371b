// Pause / resume buttons for a topic's shared pause lock.
import { useState } from 'preact/hooks';
import { ApiError, apiPost } from '../api.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { ErrorBox } from '../components/error-box.js';

const TTL_CHOICES: readonly [label: string, ms: number][] = [
  ['1 minute', 60_000],
  ['5 minutes', 300_000],
  ['30 minutes', 1_800_000],
  ['2 hours', 7_200_000],
];

/** Pauses every listener of the topic (for a chosen time) or resumes them. */
export function PauseControls({
  streamKey,
  paused,
  onChange,
}: {
  streamKey: string;
  paused: boolean;
  onChange: () => void;
}) {
  const [ttlMs, setTtlMs] = useState(300_000);
  const [error, setError] = useState<Error | undefined>();
  const [heldByOther, setHeldByOther] = useState(false);
  const run = (route: string, body: object): void => {
    setError(undefined);
    apiPost(route, body).then(
      () => {
        setHeldByOther(false);
        onChange();
      },
      (failure: unknown) => {
        setHeldByOther(failure instanceof ApiError && failure.status === 409);
        setError(failure instanceof Error ? failure : new Error(String(failure)));
        onChange();
      },
    );
  };
  return (
    <div class="toolbar">
      {paused ? (
        <button
          type="button"
          data-testid="resume"
          onClick={() => {
            run('stream/resume', { key: streamKey });
          }}
        >
          Resume
        </button>
      ) : (
        <>
          <button
            type="button"
            data-testid="pause"
            onClick={() => {
              run('stream/pause', { key: streamKey, ttlMs });
            }}
          >
            Pause listeners
          </button>
          <select
            value={ttlMs}
            onChange={(event) => {
              setTtlMs(Number(event.currentTarget.value));
            }}
          >
            {TTL_CHOICES.map(([label, ms]) => (
              <option key={ms} value={ms}>
                for {label}
              </option>
            ))}
          </select>
        </>
      )}
      {paused && heldByOther ? (
        <ConfirmButton
          label="Force resume"
          question="Release a pause lock held by someone else?"
          danger
          testId="force-resume"
          onConfirm={() => {
            run('stream/resume', { key: streamKey, force: true });
          }}
        />
      ) : null}
      <ErrorBox error={error} />
    </div>
  );
}
