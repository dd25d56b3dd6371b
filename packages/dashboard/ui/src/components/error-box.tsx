// An error message box (the API's message, as text).

/** Shows `error`'s message, or nothing. */
export function ErrorBox({ error }: { error: Error | undefined | null }) {
  if (error === undefined || error === null) return null;
  return (
    <div class="error" role="alert" data-testid="error">
      {error.message}
    </div>
  );
}
