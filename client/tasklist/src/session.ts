// Who is signed in: a bearer token kept for this tab only (sessionStorage), taken from the page's
// address (#token=..., what `scripts/up` prints for the demo identity) or pasted on the sign-in
// form. The claims are read for display only; the gateway and the database decide what is allowed.

export interface Session {
  token: string;
  subject: string;
  tenant: string;
  capability: string;
  expiresAt: number | null; // ms since the epoch
}

const key = "workitem.token";

function claims(token: string): Record<string, unknown> | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
  } catch {
    return null;
  }
}

export function sessionOf(token: string): Session | null {
  const c = claims(token);
  if (!c || typeof c.sub !== "string") return null;
  return {
    token,
    subject: c.sub,
    tenant: typeof c.tenant === "string" ? c.tenant : "default",
    capability: typeof c.workitem_capability === "string" ? c.workitem_capability : "user",
    expiresAt: typeof c.exp === "number" ? c.exp * 1000 : null,
  };
}

// A token in the address wins (and is removed from it at once, so it is not bookmarked or shared).
export function restoreSession(): Session | null {
  const fromAddress = new URLSearchParams(location.hash.replace(/^#/, "")).get("token");
  if (fromAddress) {
    sessionStorage.setItem(key, fromAddress);
    history.replaceState(null, "", location.pathname + "#/");
  }
  const token = sessionStorage.getItem(key);
  const session = token ? sessionOf(token) : null;
  if (session?.expiresAt && session.expiresAt < Date.now()) return null;
  return session;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(key, session.token);
}

export function endSession(): void {
  sessionStorage.removeItem(key);
}
