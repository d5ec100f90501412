// Signing in with a token: the demo identity's comes in the address `scripts/up` prints; any
// other is pasted here (from the identity provider, or `workitem-gateway token`).
import { useState } from "preact/hooks";
import { sessionOf, type Session } from "./session";

export function SignIn({ onSession }: { onSession: (session: Session) => void }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState("");
  return (
    <section class="signin" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <p>Paste an access token (a JWT the gateway accepts). <code>scripts/up</code> prints an address that signs you in as the demo user.</p>
      <form onSubmit={(e) => {
        e.preventDefault();
        const session = sessionOf(token.trim());
        if (!session) { setError("This is not a token this page can read."); return; }
        if (session.expiresAt && session.expiresAt < Date.now()) { setError("This token has expired."); return; }
        onSession(session);
      }}>
        <div class="field">
          <label for="token">Access token</label>
          <textarea id="token" rows={4} required spellcheck={false} value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        </div>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary">Sign in</button>
      </form>
    </section>
  );
}
