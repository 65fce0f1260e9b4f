/**
 * The console: sign-in until the API accepts a token, then the page the hash names. A 401 on any
 * call (the token expired or was revoked) ends the session and says so on the sign-in page; the
 * route is kept, so signing in again returns to it.
 */
import { useCallback, useMemo, useState } from "preact/hooks";
import { Layout } from "./components/Layout";
import { Notice } from "./components/Notice";
import { CreateTenant } from "./pages/CreateTenant";
import { OperationPage } from "./pages/OperationPage";
import { Overview } from "./pages/Overview";
import { Settings } from "./pages/Settings";
import { SignIn } from "./pages/SignIn";
import { TenantList } from "./pages/TenantList";
import { TenantPage } from "./pages/TenantPage";
import { seesFleet } from "./roles";
import { hrefOf, useRoute, type Route } from "./router";
import { SessionContext, signIn, type Session } from "./session";
import type { Caller } from "./api/types";

export function App() {
  const [signedIn, setSignedIn] = useState<Omit<Session, "signOut">>();
  const [notice, setNotice] = useState<string>();
  const route = useRoute();

  const end = useCallback((message: string) => {
    setSignedIn(undefined);
    setNotice(message);
  }, []);
  const session = useMemo<Session | null>(() => (signedIn ? { ...signedIn, signOut: () => end("You signed out. The token is no longer held by this page.") } : null), [signedIn, end]);

  if (session === null) {
    return (
      <SignIn
        notice={notice}
        onToken={async (token) => {
          try {
            const started = await signIn(token, (message) => end(`Your session ended: the portal no longer accepts this token (${message}). It may have expired or been revoked; sign in with a valid token.`));
            setNotice(undefined);
            setSignedIn(started);
            return undefined;
          } catch (error) {
            return error instanceof Error ? error.message : String(error);
          }
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Page route={route} caller={session.caller} />
    </SessionContext.Provider>
  );
}

function Page({ route, caller }: { route: Route; caller: Caller }) {
  switch (route.page) {
    case "home":
      if (seesFleet(caller)) return <Overview />;
      return caller.tenantId === null ? <TenantList state={undefined} /> : <TenantPage tenantId={caller.tenantId} />;
    case "overview":
      return <Overview />;
    case "tenants":
      return <TenantList state={route.state} />;
    case "create":
      return <CreateTenant />;
    case "tenant":
      return <TenantPage tenantId={route.tenantId} />;
    case "settings":
      return <Settings tenantId={route.tenantId} />;
    case "operation":
      return <OperationPage operationId={route.operationId} />;
    case "unknown":
      return (
        <Layout title="Not found">
          <Notice kind="error">{`The console has no page at ${route.path}.`}</Notice>
          <a href={hrefOf({ page: "home" })}>Go to the start page</a>
        </Layout>
      );
  }
}
