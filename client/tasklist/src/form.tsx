// The output form of a task: generated from the JSON Schema the task declares
// (workitem_set_task_form) when it is a flat object of strings, numbers, integers, booleans and
// enumerations; otherwise, and for tasks without one, a JSON editor.
import { useState } from "preact/hooks";

type Schema = Record<string, unknown>;
interface Field {
  name: string;
  label: string;
  type: "string" | "number" | "integer" | "boolean";
  required: boolean;
  options?: string[];
  description?: string;
  format?: string;
}

// The properties in the order the form shows them. A jsonb object does not keep its keys' order,
// so the schema may list it in "x-order"; else the required fields come first (in the order of
// "required", an array), then the others by name.
function ordered(schema: Schema): [string, Schema][] {
  const properties = schema.properties as Record<string, Schema>;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const order = Array.isArray(schema["x-order"]) ? (schema["x-order"] as string[]) : [];
  const rank = (name: string) => {
    const listed = order.indexOf(name);
    if (listed >= 0) return listed;
    const needed = required.indexOf(name);
    return needed >= 0 ? order.length + needed : order.length + required.length;
  };
  return Object.entries(properties).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

// The fields of a schema the form can render, or null when it needs the JSON editor.
export function formFields(schema: Schema | null): Field[] | null {
  if (!schema || schema.type !== "object" || typeof schema.properties !== "object" || !schema.properties) return null;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const fields: Field[] = [];
  for (const [name, raw] of ordered(schema)) {
    const type = raw.type;
    const options = Array.isArray(raw.enum) && raw.enum.every((v) => typeof v === "string") ? (raw.enum as string[]) : undefined;
    if (type !== "string" && type !== "number" && type !== "integer" && type !== "boolean" && !options) return null;
    fields.push({
      name,
      label: typeof raw.title === "string" ? raw.title : name,
      type: (options ? "string" : type) as Field["type"],
      required: required.includes(name),
      options,
      description: typeof raw.description === "string" ? raw.description : undefined,
      format: typeof raw.format === "string" ? raw.format : undefined,
    });
  }
  return fields;
}

interface Props {
  schema: Schema | null;
  initial: unknown;
  busy: boolean;
  onSave: (output: unknown) => void;
  onComplete: (output: unknown) => void;
}

export function OutputForm({ schema, initial, busy, onSave, onComplete }: Props) {
  const fields = formFields(schema);
  return fields ? (
    <GeneratedForm fields={fields} initial={initial} busy={busy} onSave={onSave} onComplete={onComplete} />
  ) : (
    <JsonEditor initial={initial} busy={busy} onSave={onSave} onComplete={onComplete} />
  );
}

function GeneratedForm({ fields, initial, busy, onSave, onComplete }: { fields: Field[] } & Omit<Props, "schema">) {
  const start = (initial && typeof initial === "object" ? initial : {}) as Record<string, unknown>;
  const [values, setValues] = useState<Record<string, unknown>>(start);
  const [error, setError] = useState("");
  const set = (name: string, value: unknown) => setValues({ ...values, [name]: value });
  const output = (): Record<string, unknown> | null => {
    for (const field of fields) {
      const value = values[field.name];
      if (field.required && (value === undefined || value === "")) {
        setError(`${field.label} is required.`);
        return null;
      }
    }
    setError("");
    return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ""));
  };
  return (
    <form class="output-form" onSubmit={(e) => { e.preventDefault(); const o = output(); if (o) onComplete(o); }}>
      {fields.map((field) => {
        const id = `field-${field.name}`;
        const value = values[field.name];
        let control;
        if (field.type === "boolean") {
          control = <input id={id} type="checkbox" checked={value === true} onChange={(e) => set(field.name, e.currentTarget.checked)} />;
        } else if (field.options) {
          control = (
            <select id={id} value={String(value ?? "")} onChange={(e) => set(field.name, e.currentTarget.value || undefined)}>
              <option value="">—</option>
              {field.options.map((o) => <option value={o}>{o}</option>)}
            </select>
          );
        } else if (field.type === "string") {
          const inputType = field.format === "date" ? "date" : field.format === "email" ? "email" : "text";
          control = <input id={id} type={inputType} value={String(value ?? "")} onInput={(e) => set(field.name, e.currentTarget.value)} />;
        } else {
          control = (
            <input id={id} type="number" step={field.type === "integer" ? 1 : "any"} value={value === undefined ? "" : String(value)}
              onInput={(e) => set(field.name, e.currentTarget.value === "" ? undefined : Number(e.currentTarget.value))} />
          );
        }
        return (
          <div class={field.type === "boolean" ? "field check" : "field"}>
            <label for={id}>{field.label}{field.required && <span aria-hidden="true"> *</span>}</label>
            {control}
            {field.description && <p class="hint">{field.description}</p>}
          </div>
        );
      })}
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        <button type="button" disabled={busy} onClick={() => { const o = output(); if (o) onSave(o); }}>Save draft</button>
        <button type="submit" class="primary" disabled={busy}>Complete</button>
      </div>
    </form>
  );
}

function JsonEditor({ initial, busy, onSave, onComplete }: Omit<Props, "schema">) {
  const [text, setText] = useState(initial === undefined || initial === null ? "{}" : JSON.stringify(initial, null, 2));
  const [error, setError] = useState("");
  const parsed = (): unknown => {
    try {
      const value = JSON.parse(text);
      setError("");
      return value;
    } catch (e) {
      setError(`This is not valid JSON: ${(e as Error).message}`);
      return undefined;
    }
  };
  return (
    <form class="output-form" onSubmit={(e) => { e.preventDefault(); const v = parsed(); if (v !== undefined) onComplete(v); }}>
      <div class="field">
        <label for="output-json">Output (JSON)</label>
        <textarea id="output-json" rows={8} spellcheck={false} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        <button type="button" disabled={busy} onClick={() => { const v = parsed(); if (v !== undefined) onSave(v); }}>Save draft</button>
        <button type="submit" class="primary" disabled={busy}>Complete</button>
      </div>
    </form>
  );
}
