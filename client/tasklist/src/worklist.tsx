// The person's worklist: items offered to them and items they hold, best first, live.
import { useEffect, useState } from "preact/hooks";
import type { Api, Item } from "./api";
import { Notice } from "./notice";
import { bestFirst } from "./order";
import { explain, type Explained } from "./problems";
import { formatTime, isOverdue } from "./time";

const pageSize = 25;

export function Worklist({ api, subject }: { api: Api; subject: string }) {
  const [queue, setQueue] = useState("");
  const [shown, setShown] = useState(pageSize);
  const [items, setItems] = useState<Item[] | null>(null);
  const [live, setLive] = useState(false);
  const [problem, setProblem] = useState<Explained | null>(null);

  useEffect(() => {
    let stopped = false;
    setItems(null);
    api.worklist(queue, 500).then((found) => !stopped && setItems(found), (e) => !stopped && setProblem(explain(e)));
    const stream = api.watch(queue, 500, (update) => setItems((current) => update(current ?? [])), setLive);
    return () => { stopped = true; stream.close(); };
  }, [api, queue]);

  const sorted = (items ?? []).slice().sort(bestFirst);
  return (
    <section aria-labelledby="worklist-title">
      <div class="bar">
        <h1 id="worklist-title">My tasks</h1>
        <span class={live ? "live on" : "live"} aria-live="polite">{live ? "Live" : "Not live"}</span>
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label for="queue-filter">Queue</label>
        <input id="queue-filter" type="search" placeholder="All queues" value={queue}
          onChange={(e) => { setQueue(e.currentTarget.value.trim()); setShown(pageSize); }} />
      </form>
      <Notice explained={problem} />
      {items === null ? <p>Loading…</p> : sorted.length === 0 ? <p class="empty">Nothing to do.</p> : (
        <ul class="items" aria-label="Tasks, best first">
          {sorted.slice(0, shown).map((item) => (
            <li class="item-row" key={item.id}>
              <a href={`#/items/${item.id}`} class="item-link">
                <span class="task">{item.task_name}</span>
                <span class="meta">#{item.id}{item.queue ? ` · ${item.queue}` : ""}</span>
              </a>
              <span class={`state state-${item.state}`}>{item.owner === subject ? `${item.state} by you` : item.state}</span>
              <span class="priority" title="Priority">P{item.priority}</span>
              <span class={isOverdue(item.due_at) ? "due overdue" : "due"}>
                {item.due_at ? `${isOverdue(item.due_at) ? "Overdue since" : "Due"} ${formatTime(item.due_at)}` : "No due date"}
              </span>
            </li>
          ))}
        </ul>
      )}
      {sorted.length > shown && (
        <button type="button" onClick={() => setShown(shown + pageSize)}>Show {Math.min(pageSize, sorted.length - shown)} more</button>
      )}
    </section>
  );
}
