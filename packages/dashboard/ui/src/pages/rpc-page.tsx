// Sends a JSON-RPC request to an app over its topic stream and shows the result or the error.
import { useState } from 'preact/hooks';
import type { RpcOutcome } from '../../../src/index.js';
import { apiPost } from '../api.js';
import { ErrorBox } from '../components/error-box.js';
import { JsonView } from '../components/json-view.js';
import { TextField } from '../components/text-field.js';

/** The RPC form; `initialKey` comes from `#/rpc?key=…`. */
export function RpcPage({ initialKey }: { initialKey: string }) {
  const [key, setKey] = useState(initialKey);
  const [method, setMethod] = useState('');
  const [params, setParams] = useState('{}');
  const [timeoutMs, setTimeoutMs] = useState(10_000);
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<RpcOutcome | undefined>();
  const [error, setError] = useState<Error | undefined>();

  const send = (): void => {
    setError(undefined);
    setOutcome(undefined);
    let parsed: unknown;
    try {
      parsed = params.trim() === '' ? null : JSON.parse(params);
    } catch (failure) {
      setError(
        new Error(
          `params are not valid JSON: ${failure instanceof Error ? failure.message : String(failure)}`,
        ),
      );
      return;
    }
    setSending(true);
    apiPost<RpcOutcome>('rpc', { key, method, params: parsed, timeoutMs })
      .then(setOutcome, (failure: unknown) => {
        setError(failure instanceof Error ? failure : new Error(String(failure)));
      })
      .finally(() => {
        setSending(false);
      });
  };

  return (
    <section>
      <h1>RPC</h1>
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
        <label>
          topic stream
          <TextField
            value={key}
            onValue={setKey}
            required
            placeholder="<env>.<app>._stream.<topic>"
            testId="rpc-key"
          />
        </label>
        <label>
          method
          <TextField
            value={method}
            onValue={setMethod}
            required
            placeholder="service.route"
            testId="rpc-method"
          />
        </label>
        <label>
          params (JSON)
          <textarea
            rows={6}
            value={params}
            data-testid="rpc-params"
            onInput={(event) => {
              setParams(event.currentTarget.value);
            }}
          />
        </label>
        <label>
          timeout (ms)
          <input
            type="number"
            min={1}
            max={300000}
            value={timeoutMs}
            onInput={(event) => {
              setTimeoutMs(Number(event.currentTarget.value));
            }}
          />
        </label>
        <button type="submit" disabled={sending} data-testid="rpc-send">
          {sending ? 'Waiting for the reply…' : 'Send request'}
        </button>
      </form>
      <ErrorBox error={error} />
      {outcome === undefined ? null : (
        <div class={outcome.ok ? 'result ok' : 'result failed'} data-testid="rpc-outcome">
          <div>
            {outcome.ok ? 'result' : 'error'} in <span data-field="ms">{outcome.ms.toFixed(1)}</span> ms
          </div>
          {outcome.ok ? (
            <JsonView value={outcome.result} testId="rpc-result" />
          ) : (
            <>
              <div data-testid="rpc-error">
                <b>{outcome.error.code}</b> {outcome.error.message}
              </div>
              {outcome.error.data === null ? null : <JsonView value={outcome.error.data} />}
            </>
          )}
        </div>
      )}
    </section>
  );
}
