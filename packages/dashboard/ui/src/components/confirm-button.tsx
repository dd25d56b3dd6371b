// A button that asks for confirmation in place before a bulk action.
import { useState } from 'preact/hooks';

export interface ConfirmButtonProps {
  readonly label: string;
  /** The question shown after the first click. */
  readonly question: string;
  readonly onConfirm: () => void;
  readonly disabled?: boolean;
  readonly testId?: string;
  readonly danger?: boolean;
}

/** First click: shows `question` with Yes / No; Yes runs `onConfirm`. */
export function ConfirmButton({ label, question, onConfirm, disabled, testId, danger }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        class={danger === true ? 'danger' : undefined}
        disabled={disabled}
        data-testid={testId}
        onClick={() => {
          setAsking(true);
        }}
      >
        {label}
      </button>
    );
  }
  return (
    <span class="confirm" data-testid={testId === undefined ? undefined : `${testId}-confirm`}>
      {question}{' '}
      <button
        type="button"
        class="danger"
        data-testid={testId === undefined ? undefined : `${testId}-yes`}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Yes
      </button>{' '}
      <button
        type="button"
        onClick={() => {
          setAsking(false);
        }}
      >
        No
      </button>
    </span>
  );
}
