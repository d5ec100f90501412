// The caller's worklist, kept current by the gateway's worklist stream (docs/rest.md, "Waiting
// for work"): a snapshot, then upserts and removals. EventSource cannot send a bearer token, so
// the stream is read with fetch (@microsoft/fetch-event-source), which reconnects by itself.
import { fetchEventSource } from "@microsoft/fetch-event-source";
import type { Item } from "./api";

export interface WorklistStream {
  close(): void;
}

export function watchWorklist(
  authorization: Record<string, string>,
  queue: string,
  limit: number,
  onItems: (update: (items: Item[]) => Item[]) => void,
  onState: (live: boolean) => void,
): WorklistStream {
  const controller = new AbortController();
  const query = new URLSearchParams({ limit: String(limit) });
  if (queue) query.set("queue", queue);
  void fetchEventSource(`/api/v1/worklist/stream?${query}`, {
    headers: authorization,
    signal: controller.signal,
    openWhenHidden: true,
    async onopen(response) {
      if (!response.ok) throw new Error(`stream refused: HTTP ${response.status}`);
      onState(true);
    },
    onmessage(message) {
      if (!message.data) return;
      const data = JSON.parse(message.data);
      if (message.event === "snapshot") {
        onItems(() => data.items as Item[]);
      } else if (message.event === "upsert") {
        const item = data as Item;
        onItems((items) => [...items.filter((i) => i.id !== item.id), item]);
      } else if (message.event === "remove") {
        onItems((items) => items.filter((i) => i.id !== data.id));
      }
    },
    onerror(error) {
      onState(false);
      if (String(error).includes("HTTP 401")) throw error; // a token that expired: stop
      return 2000; // else try again in two seconds
    },
    onclose() {
      onState(false);
    },
  }).catch(() => onState(false));
  return { close: () => controller.abort() };
}
