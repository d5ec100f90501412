import type { Item } from "./api";

// Best first, as the database orders a worklist (docs/domain.md §1): priority (higher first),
// then due date (earliest first, none last), then id.
export function bestFirst(a: Item, b: Item): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.due_at !== b.due_at) {
    if (!a.due_at) return 1;
    if (!b.due_at) return -1;
    return new Date(a.due_at).getTime() - new Date(b.due_at).getTime();
  }
  return a.id - b.id;
}
