/** Qdrant parts of a tenant: its collection and the grant that keeps its token valid, managed by dynamic providers. */
export * from "./adminSettings";
export * from "./collectionOperations";
export * from "./collectionResource";
export * from "./tokenGrant";
export * from "./tokenGrantOperations";
export * from "./tokenGrantResource";
