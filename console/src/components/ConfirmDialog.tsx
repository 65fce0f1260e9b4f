/**
 * A confirmation that names the tenant, in a modal <dialog> (focus kept inside, Escape cancels).
 * With `typeToConfirm`, the action stays disabled until that exact text is typed.
 */
import { useEffect, useRef, useState } from "preact/hooks";

export interface ConfirmProps {
  readonly title: string;
  readonly body: string;
  readonly confirmLabel: string;
  readonly typeToConfirm?: string;
  readonly danger?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

export function ConfirmDialog(props: ConfirmProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState("");
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  const ready = props.typeToConfirm === undefined || typed === props.typeToConfirm;
  return (
    <dialog ref={dialog} class="confirm" aria-labelledby="confirm-title" aria-describedby="confirm-body" onCancel={props.onCancel}>
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          if (ready) props.onConfirm();
        }}
      >
        <h2 id="confirm-title">{props.title}</h2>
        <p id="confirm-body">{props.body}</p>
        {props.typeToConfirm === undefined ? null : (
          <div class="field">
            <label for="confirm-typed">
              Type <code>{props.typeToConfirm}</code> to confirm
            </label>
            <input id="confirm-typed" type="text" autoComplete="off" value={typed} onInput={(event) => setTyped(event.currentTarget.value)} />
          </div>
        )}
        <div class="actions">
          <button type="button" class="secondary" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="submit" class={props.danger ? "danger" : ""} disabled={!ready}>
            {props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
