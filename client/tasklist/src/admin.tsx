// The tenant's overview for an administrator: items by state, the oldest offered per queue and
// the overdue items, each linking to the item (where allocate and forward are offered).
import { useEffect, useState } from "preact/hooks";
import type { Api, OverdueItem, Overview } from "./api";
import { Notice } from "./notice";
import { explain, type Explained } from "./problems";
import { formatTime } from "./time";

export function AdminView({ api }: { api: Api }) {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [overdue, setOverdue] = useState<OverdueItem[]>([]);
  const [problem, setProblem] = useState<Explained | null>(null);
  const load = () =>
    Promise.all([api.overview(), api.overdueItems(50)]).then(([o, items]) => { setOverview(o); setOverdue(items); },
                                                           (e) => setProblem(explain(e)));
  useEffect(() => { void load(); }, [api]);
  if (!overview) return <section><Notice explained={problem} />{!problem && <p>Loading…</p>}</section>;
  return (
    <section aria-labelledby="admin-title">
      <div class="bar">
        <h1 id="admin-title">Overview</h1>
        <button type="button" onClick={load}>Refresh</button>
      </div>
      <h2>Items by state</h2>
      <table>
        <caption class="sr-only">Items per queue and state</caption>
        <thead><tr><th scope="col">Queue</th><th scope="col">State</th><th scope="col" class="number">Items</th></tr></thead>
        <tbody>
          {overview.items_by_state.map((row) => (
            <tr><td>{row.queue ?? "—"}</td><td>{row.state}</td><td class="number">{row.items}</td></tr>
          ))}
        </tbody>
      </table>
      <h2>Waiting longest</h2>
      <table>
        <caption class="sr-only">Per queue, the offered items and the oldest one's age</caption>
        <thead><tr><th scope="col">Queue</th><th scope="col" class="number">Offered</th><th scope="col">Oldest since</th></tr></thead>
        <tbody>
          {overview.oldest_offered.map((row) => (
            <tr><td>{row.queue ?? "—"}</td><td class="number">{row.offered_items}</td><td>{formatTime(row.oldest_created_at)}</td></tr>
          ))}
        </tbody>
      </table>
      <h2>Overdue ({overview.overdue_items})</h2>
      {overdue.length === 0 ? <p>Nothing is overdue.</p> : (
        <table>
          <caption class="sr-only">Overdue items</caption>
          <thead><tr><th scope="col">Item</th><th scope="col">State</th><th scope="col">Owner</th><th scope="col">Due</th></tr></thead>
          <tbody>
            {overdue.map((row) => (
              <tr>
                <td><a href={`#/items/${row.id}`}>{row.task_name} #{row.id}</a></td>
                <td>{row.state}</td><td>{row.owner ?? "—"}</td><td>{formatTime(row.due_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
