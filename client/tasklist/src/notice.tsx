// A refusal shown as text (problems.ts), announced to screen readers, with a reload button when
// the item moved on under the person.
import type { Explained } from "./problems";

export function Notice({ explained, onReload }: { explained: Explained | null; onReload?: () => void }) {
  if (!explained) return null;
  return (
    <div class="notice" role="alert">
      <p class="headline">{explained.headline}</p>
      {explained.detail && <p class="detail">{explained.detail}</p>}
      {explained.reload && onReload && <button type="button" onClick={onReload}>Reload the item</button>}
    </div>
  );
}
