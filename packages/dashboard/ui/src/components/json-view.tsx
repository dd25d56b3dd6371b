// Shows a JSON value as indented text (never as HTML).

/** `value` pretty-printed in a `<pre>`; Preact escapes it, so stored markup stays text. */
export function JsonView({ value, testId }: { value: unknown; testId?: string }) {
  return (
    <pre class="json" data-testid={testId}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
