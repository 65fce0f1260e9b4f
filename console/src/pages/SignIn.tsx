/** Sign-in with a portal token (`frostbyte token create`); the token stays in this page's memory only. */
import { useEffect, useRef, useState } from "preact/hooks";
import { Notice } from "../components/Notice";

export function SignIn({ notice, onToken }: { notice: string | undefined; onToken: (token: string) => Promise<string | undefined> }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = "Sign in · Frostbyte console";
    input.current?.focus();
  }, []);
  return (
    <main id="main" class="signin">
      <h1>Frostbyte console</h1>
      <Notice kind="info">{notice}</Notice>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          const refused = await onToken(token.trim());
          setBusy(false);
          if (refused !== undefined) setError(`This token was not accepted: ${refused}`);
        }}
      >
        <div class={`field${error ? " invalid" : ""}`}>
          <label for="token">Portal token</label>
          <input
            id="token"
            ref={input}
            type="password"
            autoComplete="off"
            spellcheck={false}
            required
            aria-invalid={error ? "true" : undefined}
            aria-describedby={error ? "token-hint token-problem" : "token-hint"}
            value={token}
            onInput={(event) => setToken(event.currentTarget.value)}
          />
          <p class="hint" id="token-hint">
            A token from <code>frostbyte token create</code>. It is kept in this page only: a reload asks for it again.
          </p>
          {error ? (
            <p class="problems" id="token-problem" role="alert">
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" disabled={busy || token.trim() === ""}>
          Sign in
        </button>
      </form>
    </main>
  );
}
