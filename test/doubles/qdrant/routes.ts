/**
 * Routes of the Qdrant test double. Paths, methods and check order follow Qdrant v1.19.0:
 * `src/actix/mod.rs` (`index`), `src/actix/api/service_api.rs` (health probes),
 * `src/actix/api/collections_api.rs` + `src/common/collections.rs` (collections: read access is checked before
 * existence, so a token without access gets 403 even for a missing collection; create/update/delete need global
 * manage access — `lib/storage/src/rbac/ops_checks.rs` `check_collection_meta_operation`),
 * `src/actix/api/update_api.rs` + `src/common/update.rs` + `lib/storage/src/content_manager/collection_verification.rs`
 * (point writes: read access → 404 → dimension check → write access), `retrieve_api.rs`, `count_api.rs`,
 * `search_api.rs`, `query_api.rs` (point reads), payload indexes (see payloadIndexes.ts).
 */
import type { FastifyInstance } from "fastify";
import { collectionInfo, createCollection, parseUpdateBody, updateCollection } from "./collections";
import { api, requireCollection, type DoubleState } from "./context";
import { collectionAlreadyExists, sendBareJson, sendPlainText } from "./envelope";
import { createPayloadIndex, dropPayloadIndex, parseCreateFieldIndex, requireFieldSchema } from "./payloadIndexes";
import { applyDelete, applyUpsert, checkUpsertVectors, parseSelector, parseUpsert, updateResult } from "./points";
import { canSeeCollection, checkCollectionAccess, checkGlobalAccess } from "./rbac";
import { countPoints, getPoint, queryPoints, retrievePoints, scrollPoints, searchPoints } from "./reads";
import type { JsonObject } from "./types";

/** Routes Qdrant serves without credentials (`api_key_whitelist` in `src/actix/mod.rs`). */
export const WHITELISTED_ROUTES: ReadonlySet<string> = new Set(["/", "/healthz", "/readyz", "/livez"]);

export function registerRoutes(app: FastifyInstance, state: DoubleState): void {
  app.get("/", (_request, reply) => sendBareJson(reply, state.version));
  app.get("/healthz", (_request, reply) => sendPlainText(reply, "healthz check passed"));
  app.get("/livez", (_request, reply) => sendPlainText(reply, "healthz check passed"));
  app.get("/readyz", (_request, reply) => sendPlainText(reply, "all shards are ready"));

  registerCollectionRoutes(app, state);
  registerPointRoutes(app, state);
  registerIndexRoutes(app, state);
}

function registerCollectionRoutes(app: FastifyInstance, state: DoubleState): void {
  app.get(
    "/collections",
    api(({ access }) => ({
      collections: [...state.collections.keys()]
        .sort()
        .filter((name) => canSeeCollection(access, name))
        .map((name) => ({ name })),
    })),
  );

  app.get(
    "/collections/:name",
    api((ctx) => {
      const name = ctx.collectionName();
      checkCollectionAccess(ctx.access, name, {});
      return collectionInfo(requireCollection(state, name));
    }),
  );

  app.get(
    "/collections/:name/exists",
    api((ctx) => {
      const name = ctx.collectionName();
      checkCollectionAccess(ctx.access, name, {});
      return { exists: state.collections.has(name) };
    }),
  );

  app.put(
    "/collections/:name",
    api((ctx) => {
      const name = ctx.collectionName(true);
      const collection = createCollection(name, ctx.body());
      ctx.timeout();
      checkGlobalAccess(ctx.access, { manage: true });
      if (state.collections.has(name)) throw collectionAlreadyExists(name);
      state.collections.set(name, collection);
      return true;
    }),
  );

  app.patch(
    "/collections/:name",
    api((ctx) => {
      const name = ctx.collectionName();
      const body = ctx.body();
      parseUpdateBody(body);
      ctx.timeout();
      checkGlobalAccess(ctx.access, { manage: true });
      updateCollection(requireCollection(state, name), body as JsonObject);
      return true;
    }),
  );

  app.delete(
    "/collections/:name",
    api((ctx) => {
      const name = ctx.collectionName();
      ctx.timeout();
      checkGlobalAccess(ctx.access, { manage: true });
      return state.collections.delete(name);
    }),
  );
}

function registerPointRoutes(app: FastifyInstance, state: DoubleState): void {
  app.put(
    "/collections/:name/points",
    api((ctx) => {
      const name = ctx.collectionName();
      const points = parseUpsert(ctx.body());
      const wait = ctx.wait();
      ctx.timeout();
      checkCollectionAccess(ctx.access, name, {});
      const collection = requireCollection(state, name);
      checkUpsertVectors(collection, points);
      checkCollectionAccess(ctx.access, name, { write: true });
      return updateResult(applyUpsert(collection, points), wait);
    }),
  );

  app.post(
    "/collections/:name/points/delete",
    api((ctx) => {
      const name = ctx.collectionName();
      const selected = parseSelector(ctx.body());
      const wait = ctx.wait();
      ctx.timeout();
      checkCollectionAccess(ctx.access, name, {});
      const collection = requireCollection(state, name);
      checkCollectionAccess(ctx.access, name, { write: true });
      return updateResult(applyDelete(collection, selected), wait);
    }),
  );

  const read = (path: string, run: typeof scrollPoints): void => {
    app.post(
      path,
      api((ctx) => {
        const name = ctx.collectionName();
        const body = ctx.body();
        ctx.timeout();
        checkCollectionAccess(ctx.access, name, {});
        return run(requireCollection(state, name), body);
      }),
    );
  };
  read("/collections/:name/points", retrievePoints);
  read("/collections/:name/points/scroll", scrollPoints);
  read("/collections/:name/points/count", countPoints);
  read("/collections/:name/points/search", searchPoints);
  read("/collections/:name/points/query", queryPoints);

  app.get(
    "/collections/:name/points/:id",
    api((ctx) => {
      const name = ctx.collectionName();
      checkCollectionAccess(ctx.access, name, {});
      return getPoint(requireCollection(state, name), ctx.param("id"));
    }),
  );
}

function registerIndexRoutes(app: FastifyInstance, state: DoubleState): void {
  app.put(
    "/collections/:name/index",
    api((ctx) => {
      const name = ctx.collectionName();
      const { fieldName, fieldSchema } = parseCreateFieldIndex(ctx.body());
      const wait = ctx.wait();
      ctx.timeout();
      checkCollectionAccess(ctx.access, name, {});
      const collection = requireCollection(state, name);
      const schema = requireFieldSchema(fieldSchema);
      checkCollectionAccess(ctx.access, name, { write: true, extras: true });
      return updateResult(createPayloadIndex(collection, fieldName, schema), wait);
    }),
  );

  app.delete(
    "/collections/:name/index/:field",
    api((ctx) => {
      const name = ctx.collectionName();
      const wait = ctx.wait();
      ctx.timeout();
      checkCollectionAccess(ctx.access, name, { write: true, extras: true });
      return updateResult(dropPayloadIndex(requireCollection(state, name), ctx.param("field")), wait);
    }),
  );
}
