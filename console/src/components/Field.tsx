/** One labelled input with its hint and its problems, wired for assistive technology. */
import type { ComponentChildren } from "preact";
import type { FieldKind } from "../forms/fields";
import { fieldId, type PlacedProblem } from "../forms/problems";
import { FieldProblems } from "./Problems";

export interface FieldProps {
  /** The problem anchor (`config.pii.mode`, `id`): the input's id derives from it. */
  readonly anchor: string;
  readonly label: string;
  readonly kind: FieldKind;
  readonly value: string | boolean;
  readonly onChange: (value: string | boolean) => void;
  readonly options?: readonly string[];
  readonly hint?: string;
  readonly step?: string;
  readonly problems?: readonly PlacedProblem[] | undefined;
  readonly required?: boolean;
  readonly autoComplete?: string;
}

export function Field(props: FieldProps) {
  const id = fieldId(props.anchor);
  const invalid = (props.problems?.length ?? 0) > 0;
  const described = [props.hint ? `${id}-hint` : "", invalid ? `${id}-problems` : ""].filter(Boolean).join(" ") || undefined;
  const common = { id, "aria-invalid": invalid ? ("true" as const) : undefined, "aria-describedby": described, required: props.required };
  const text = typeof props.value === "string" ? props.value : "";
  let input: ComponentChildren;
  switch (props.kind) {
    case "checkbox":
      input = <input {...common} type="checkbox" checked={props.value === true} onChange={(event) => props.onChange(event.currentTarget.checked)} />;
      break;
    case "select":
      input = (
        <select {...common} value={text} onChange={(event) => props.onChange(event.currentTarget.value)}>
          {(props.options ?? []).map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      );
      break;
    case "lines":
      input = <textarea {...common} rows={3} value={text} onInput={(event) => props.onChange(event.currentTarget.value)} />;
      break;
    case "number":
      input = <input {...common} type="number" step={props.step} value={text} onInput={(event) => props.onChange(event.currentTarget.value)} />;
      break;
    default:
      input = <input {...common} type="text" autoComplete={props.autoComplete ?? "off"} value={text} onInput={(event) => props.onChange(event.currentTarget.value)} />;
  }
  return (
    <div class={`field field-${props.kind}${invalid ? " invalid" : ""}`}>
      <label for={id}>{props.label}</label>
      {input}
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <FieldProblems anchor={props.anchor} problems={props.problems} />
    </div>
  );
}
