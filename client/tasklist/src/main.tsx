// The task inbox (docs/tasklist.md): routes by the address's fragment (#/, #/items/7, #/admin).
import { render } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { AdminView } from "./admin";
import { Api } from "./api";
import { ItemView } from "./item";
import { endSession, restoreSession, saveSession, type Session } from "./session";
import { SignIn } from "./signin";
import { Worklist } from "./worklist";

function useRoute(): string {
  const [route, setRoute] = useState(location.hash.replace(/^#/, "") || "/");
  useEffect(() => {
    const changed = () => setRoute(location.hash.replace(/^#/, "") || "/");
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return route;
}

function App() {
  const [session, setSession] = useState<Session | null>(restoreSession);
  const route = useRoute();
  const api = useMemo(() => (session ? new Api(session.token) : null), [session]);
  useEffect(() => {
    document.querySelector<HTMLElement>("main h1")?.focus();
  }, [route, session]);
  if (!session || !api) {
    return <main><SignIn onSession={(s) => { saveSession(s); setSession(s); }} /></main>;
  }
  const item = route.match(/^\/items\/(\d+)$/);
  const isAdmin = session.capability === "admin";
  return (
    <>
      <header>
        <a href="#/" class="brand">workitem tasks</a>
        <nav aria-label="Main">
          <a href="#/" aria-current={route === "/" ? "page" : undefined}>My tasks</a>
          {isAdmin && <a href="#/admin" aria-current={route === "/admin" ? "page" : undefined}>Overview</a>}
        </nav>
        <span class="who">{session.subject} · {session.tenant}</span>
        <button type="button" onClick={() => { endSession(); setSession(null); }}>Sign out</button>
      </header>
      <main>
        {item ? <ItemView api={api} id={Number(item[1])} />
          : route === "/admin" && isAdmin ? <AdminView api={api} />
          : <Worklist api={api} subject={session.subject} />}
      </main>
    </>
  );
}

const root = document.getElementById("app")!;
root.textContent = ""; // the "Loading…" shown until this script ran
render(<App />, root);
