// The REST API of workitem-gateway (docs/rest.md), the only thing this page talks to.
// Every refusal arrives as an RFC 9457 problem; ApiError carries it for problems.ts to explain.
import { watchWorklist, type WorklistStream } from "./stream";

export interface Item {
  id: number;
  workflow_id: string;
  task_name: string;
  queue: string | null;
  state: string;
  owner: string | null;
  priority: number;
  due_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
  input: unknown;
  output?: unknown;
  delegated_from?: string | null;
  suspended_until?: string | null;
}

export interface ItemEvent {
  seq: number;
  type: string;
  operation: string | null;
  actor: string | null;
  reason: string | null;
  occurred_at: string;
  aggregate_version: number;
  payload: { changes?: Record<string, unknown> } & Record<string, unknown>;
}

export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  code?: string;
  sqlstate?: string;
}

export interface Overview {
  items_by_state: { queue: string | null; state: string; items: number }[];
  oldest_offered: { queue: string | null; offered_items: number; oldest_created_at: string; oldest_age_seconds: number }[];
  overdue_items: number;
}

export interface OverdueItem {
  id: number;
  queue: string | null;
  task_name: string;
  state: string;
  owner: string | null;
  due_at: string;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
}

const base = "/api/v1";

export class Api {
  constructor(private readonly token: string) {}

  authorization(): Record<string, string> {
    return { Authorization: `Bearer ${this.token}` };
  }

  private async send<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(base + path, {
        method,
        headers: { ...this.authorization(), ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError({ status: 0, title: "No answer", detail: "The server could not be reached." });
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new ApiError({ status: response.status, ...(parsed ?? {}) });
    return parsed as T;
  }

  async worklist(queue: string, limit: number): Promise<Item[]> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (queue) query.set("queue", queue);
    return (await this.send<{ items: Item[] }>("GET", `/worklist?${query}`)).items;
  }

  item(id: number): Promise<Item> {
    return this.send<Item>("GET", `/workitems/${id}`);
  }

  async history(id: number): Promise<ItemEvent[]> {
    return (await this.send<{ events: ItemEvent[] }>("GET", `/workitems/${id}/history`)).events;
  }

  async allowedOperations(id: number): Promise<string[]> {
    return (await this.send<{ operations: string[] }>("GET", `/workitems/${id}/allowed-operations`)).operations;
  }

  // One operation on the item as the caller saw it: If-Match makes a moved version a 412.
  act(item: Item, operation: string, body: Record<string, unknown> = {}): Promise<Item> {
    return this.send<Item>("POST", `/workitems/${item.id}/${operation}`, body, { "If-Match": `"${item.version}"` });
  }

  async taskForm(taskName: string): Promise<Record<string, unknown> | null> {
    try {
      return (await this.send<{ output_schema: Record<string, unknown> }>("GET", `/task-forms/${encodeURIComponent(taskName)}`)).output_schema;
    } catch (error) {
      if (error instanceof ApiError && error.problem.status === 404) return null;
      throw error;
    }
  }

  watch(queue: string, limit: number, onItems: (update: (items: Item[]) => Item[]) => void,
        onState: (live: boolean) => void): WorklistStream {
    return watchWorklist(this.authorization(), queue, limit, onItems, onState);
  }

  overview(): Promise<Overview> {
    return this.send<Overview>("GET", "/admin/overview");
  }

  async overdueItems(limit: number): Promise<OverdueItem[]> {
    return (await this.send<{ items: OverdueItem[] }>("GET", `/admin/overdue-items?limit=${limit}`)).items;
  }
}
