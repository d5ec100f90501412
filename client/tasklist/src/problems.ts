// A refusal in words a person understands: what happened and what to do, then the server's own
// title and detail (docs/rest.md, Errors), never a bare status code.
import { ApiError, type Problem } from "./api";

export interface Explained {
  headline: string;
  detail: string;
  reload: boolean; // the item moved on: offer to reload it
}

const headlines: Record<string, [string, boolean]> = {
  WI423: ["Someone else has already claimed this item.", true],
  WI412: ["This item changed since you opened it.", true],
  WI409: ["This cannot be done in the item's current state; it may have moved on.", true],
  WI419: ["Your lease on this item ran out and it moved on.", true],
  WI410: ["This item has expired.", true],
  WI404: ["This item does not exist, or you may not see it.", false],
  WI403: ["You may not do this.", false],
  WI422: ["Something you entered is not accepted.", false],
  WI460: ["A rule of this task does not allow it.", false],
  WI461: ["A check of this task does not allow it.", false],
  WI425: ["This item is not active yet.", false],
};

function byStatus(problem: Problem): [string, boolean] {
  switch (problem.status) {
    case 0: return ["The server could not be reached. Check your connection and try again.", false];
    case 401: return ["Your sign-in has expired. Please sign in again.", false];
    case 403: return ["You may not do this.", false];
    case 404: return ["Not found, or you may not see it.", false];
    case 409: return ["Someone else changed this item first.", true];
    case 412: return ["This item changed since you opened it.", true];
    case 429:
    case 503: return ["The server is busy. Please try again in a moment.", false];
    default: return problem.status >= 500 ? ["Something went wrong on the server.", false] : ["The request was not accepted.", false];
  }
}

export function explain(error: unknown): Explained {
  if (!(error instanceof ApiError)) {
    return { headline: "Something went wrong in this page.", detail: String(error), reload: false };
  }
  const problem = error.problem;
  const [headline, reload] = (problem.sqlstate && headlines[problem.sqlstate]) || byStatus(problem);
  const detail = [problem.title, problem.detail].filter(Boolean).join(": ");
  return { headline, detail, reload };
}
