/** Qdrant parts of a tenant: its collection, managed by a dynamic provider. */
export * from "./adminSettings";
export * from "./collectionOperations";
export * from "./collectionResource";
