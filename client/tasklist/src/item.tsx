// One item: its input, its history (who did what, when, old → new) and what the person may do
// now (workitem_allowed_operations); every action sends the version seen (If-Match).
import { useEffect, useState } from "preact/hooks";
import type { Api, Item, ItemEvent } from "./api";
import { OutputForm } from "./form";
import { Notice } from "./notice";
import { explain, type Explained } from "./problems";
import { formatTime, fromLocalInput, toLocalInput } from "./time";

// Operations that take nothing but the item, with their button's words.
const simple: [string, string][] = [
  ["claim", "Claim"], ["start", "Start"], ["stop", "Stop"], ["release", "Release"],
  ["resume", "Resume"], ["skip", "Skip"],
];

interface Loaded {
  item: Item;
  events: ItemEvent[];
  operations: string[];
  schema: Record<string, unknown> | null;
}

export function ItemView({ api, id }: { api: Api; id: number }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [problem, setProblem] = useState<Explained | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState("");

  const load = async () => {
    setProblem(null);
    try {
      const [item, events, operations] = await Promise.all([api.item(id), api.history(id), api.allowedOperations(id)]);
      const schema = await api.taskForm(item.task_name);
      setLoaded({ item, events, operations, schema });
    } catch (e) {
      setProblem(explain(e));
    }
  };
  useEffect(() => { setLoaded(null); void load(); }, [api, id]);

  const act = async (operation: string, body: Record<string, unknown> = {}, message = "") => {
    if (!loaded) return;
    setBusy(true);
    setDone("");
    try {
      await api.act(loaded.item, operation, body);
      await load();
      setDone(message || "Done.");
    } catch (e) {
      setProblem(explain(e));
    } finally {
      setBusy(false);
    }
  };

  if (!loaded) {
    return <section><Notice explained={problem} onReload={load} />{!problem && <p>Loading…</p>}</section>;
  }
  const { item, events, operations, schema } = loaded;
  const may = (operation: string) => operations.includes(operation);
  return (
    <section aria-labelledby="item-title">
      <p><a href="#/">← My tasks</a></p>
      <h1 id="item-title">{item.task_name} <span class="meta">#{item.id}</span></h1>
      <dl class="facts">
        <dt>State</dt><dd class={`state state-${item.state}`} data-testid="state">{item.state}</dd>
        <dt>Owner</dt><dd data-testid="owner">{item.owner ?? "—"}</dd>
        <dt>Priority</dt><dd>{item.priority}</dd>
        <dt>Due</dt><dd>{formatTime(item.due_at)}</dd>
        <dt>Queue</dt><dd>{item.queue ?? "—"}</dd>
        <dt>Workflow</dt><dd>{item.workflow_id}</dd>
        <dt>Version</dt><dd>{item.version}</dd>
      </dl>
      <Notice explained={problem} onReload={load} />
      {done && <p class="done" role="status">{done}</p>}

      <h2>What you can do</h2>
      {operations.length === 0 ? <p>Nothing, at the moment.</p> : (
        <div class="actions" role="group" aria-label="Actions">
          {simple.filter(([op]) => may(op)).map(([op, words]) => (
            <button type="button" disabled={busy} onClick={() => act(op, {}, `${words}: done.`)}>{words}</button>
          ))}
        </div>
      )}
      {(may("complete") || may("save_output")) && (
        <>
          <h3>Output</h3>
          <OutputForm schema={schema} initial={item.output} busy={busy}
            onSave={(output) => act("save-output", { output }, "Draft saved.")}
            onComplete={(output) => act("complete", { output }, "Completed.")} />
        </>
      )}
      {may("delegate") && <UserAction label="Delegate to" button="Delegate" busy={busy} onSubmit={(to_user) => act("delegate", { to_user }, `Delegated to ${to_user}.`)} />}
      {may("allocate") && <UserAction label="Allocate to" button="Allocate" busy={busy} onSubmit={(to_user) => act("allocate", { to_user }, `Allocated to ${to_user}.`)} />}
      {may("forward") && <UserAction label="Forward to" button="Forward" busy={busy}
        onSubmit={(user) => act("forward", { assignment: { potential_owners: { users: [user] } } }, `Forwarded to ${user}.`)} />}
      {may("suspend") && <Suspend busy={busy} onSubmit={(until) => act("suspend", until ? { until } : {}, "Suspended.")} />}
      {may("fail") && <Fail busy={busy} onSubmit={(reason) => act("fail", { fault: { reason } }, "Marked as failed.")} />}

      <h2>Input</h2>
      <pre class="json" tabIndex={0} aria-label="Input">{JSON.stringify(item.input ?? null, null, 2)}</pre>
      <h2>History</h2>
      <ol class="history">
        {events.map((event) => (
          <li key={event.seq}>
            <span class="when">{formatTime(event.occurred_at)}</span>{" "}
            <strong>{event.actor ?? "system"}</strong> {event.operation ?? event.type}
            {event.reason ? ` (${event.reason})` : ""}
            <Changes changes={event.payload?.changes} />
          </li>
        ))}
      </ol>
    </section>
  );
}

function show(value: unknown): string {
  return value === null || value === undefined ? "—" : typeof value === "string" ? value : JSON.stringify(value);
}

function Changes({ changes }: { changes?: Record<string, unknown> }) {
  if (!changes || typeof changes !== "object") return null;
  const rows = Object.entries(changes).map(([field, change]) => {
    // {"old", "new"}; input, output and fault only say {"changed": true} (docs/events.md).
    const c = (change ?? {}) as { old?: unknown; new?: unknown; changed?: boolean };
    if (c.changed) return <li key={field}>{field} changed</li>;
    return <li key={field}>{field}: {show(c.old)} → {show(c.new)}</li>;
  });
  return <ul class="changes">{rows}</ul>;
}

function UserAction({ label, button, busy, onSubmit }: { label: string; button: string; busy: boolean; onSubmit: (user: string) => void }) {
  const [user, setUser] = useState("");
  const id = `user-${button.toLowerCase()}`;
  return (
    <form class="inline" onSubmit={(e) => { e.preventDefault(); if (user.trim()) onSubmit(user.trim()); }}>
      <label for={id}>{label}</label>
      <input id={id} value={user} required autocomplete="off" placeholder="user id" onInput={(e) => setUser(e.currentTarget.value)} />
      <button type="submit" disabled={busy}>{button}</button>
    </form>
  );
}

function Suspend({ busy, onSubmit }: { busy: boolean; onSubmit: (until: string | null) => void }) {
  const [until, setUntil] = useState(toLocalInput(new Date(Date.now() + 24 * 3600 * 1000)));
  return (
    <form class="inline" onSubmit={(e) => { e.preventDefault(); onSubmit(until ? fromLocalInput(until) : null); }}>
      <label for="suspend-until">Suspend until</label>
      <input id="suspend-until" type="datetime-local" value={until} onInput={(e) => setUntil(e.currentTarget.value)} />
      <button type="submit" disabled={busy}>Suspend</button>
    </form>
  );
}

function Fail({ busy, onSubmit }: { busy: boolean; onSubmit: (reason: string) => void }) {
  const [reason, setReason] = useState("");
  return (
    <form class="inline" onSubmit={(e) => { e.preventDefault(); if (reason.trim()) onSubmit(reason.trim()); }}>
      <label for="fail-reason">Fail, because</label>
      <input id="fail-reason" value={reason} required onInput={(e) => setReason(e.currentTarget.value)} />
      <button type="submit" class="danger" disabled={busy}>Fail</button>
    </form>
  );
}
