/** The frame of every signed-in page: a skip link, the navigation for the caller's role, who is signed in, sign-out. */
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { hrefOf } from "../router";
import { mayRun, seesFleet } from "../roles";
import { useSession } from "../session";

export function Layout({ title, children }: { title: string; children: ComponentChildren }) {
  const { caller, signOut } = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Frostbyte console`;
    // A new page moves focus to its heading, so a screen reader announces it.
    heading.current?.focus();
  }, [title]);
  return (
    <>
      <a class="skip" href="#main" onClick={(event) => (event.preventDefault(), heading.current?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Frostbyte console</span>
        <nav aria-label="Main">
          <ul>
            {seesFleet(caller) ? (
              <li>
                <a href={hrefOf({ page: "overview" })}>Overview</a>
              </li>
            ) : null}
            <li>
              <a href={hrefOf({ page: "tenants" })}>Tenants</a>
            </li>
            {mayRun(caller, "create") ? (
              <li>
                <a href={hrefOf({ page: "create" })}>New tenant</a>
              </li>
            ) : null}
          </ul>
        </nav>
        <div class="who">
          <span>
            Signed in: <strong>{caller.role}</strong>
            {caller.tenantId === null ? null : <> of {caller.tenantId}</>}
          </span>
          <button type="button" class="secondary" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">
        <h1 tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {children}
      </main>
    </>
  );
}
