/** Problems shown next to what they are about, and the summary at the top of a form. */
import type { PlacedProblem } from "../forms/problems";
import { fieldId } from "../forms/problems";

/** The problems of one field, rule or section; `anchor` names it (its id is the field's + `-problems`). */
export function FieldProblems({ anchor, problems }: { anchor: string; problems: readonly PlacedProblem[] | undefined }) {
  if (!problems || problems.length === 0) return null;
  return (
    <ul class="problems" id={`${fieldId(anchor)}-problems`}>
      {problems.map((problem) => (
        <li key={`${problem.path}:${problem.message}`}>
          {problem.path.replace(/^body\./, "") === anchor ? null : <code>{problem.path.replace(/^body\./, "")}</code>} {problem.message}
        </li>
      ))}
    </ul>
  );
}

/** Every problem of the form, each linked to its field; the ones no field takes are listed in full. */
export function ProblemSummary({ problems, anchorOf }: { problems: readonly PlacedProblem[]; anchorOf: (path: string) => string | undefined }) {
  if (problems.length === 0) return null;
  return (
    <div class="summary" role="alert">
      <h2>{problems.length === 1 ? "1 problem" : `${problems.length} problems`} to fix</h2>
      <ul>
        {problems.map((problem) => {
          const anchor = anchorOf(problem.path);
          return (
            <li key={`${problem.path}:${problem.message}`}>
              {anchor === undefined ? <code>{problem.path}</code> : <a href={`#${fieldId(anchor)}`} onClick={(event) => focusField(event, anchor)}>{problem.path}</a>}: {problem.message}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** The summary's links move focus to the field, not the route (the console's routes live in the hash). */
function focusField(event: MouseEvent, anchor: string): void {
  event.preventDefault();
  const target = document.getElementById(fieldId(anchor));
  target?.focus();
  target?.scrollIntoView({ block: "center" });
}
