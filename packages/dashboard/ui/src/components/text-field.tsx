// A text input bound to a string state.

export interface TextFieldProps {
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly placeholder?: string;
  readonly required?: boolean;
  readonly testId?: string;
  /** A wide field (key globs and prefixes). */
  readonly wide?: boolean;
}

/** An `<input>` that reports every edit to `onValue`. */
export function TextField({ value, onValue, placeholder, required, testId, wide }: TextFieldProps) {
  return (
    <input
      type="text"
      class={wide === true ? 'wide' : undefined}
      value={value}
      placeholder={placeholder}
      required={required}
      autocomplete="off"
      data-testid={testId}
      onInput={(event) => {
        onValue(event.currentTarget.value);
      }}
    />
  );
}
