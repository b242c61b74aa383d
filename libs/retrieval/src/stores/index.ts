// The vector stores behind one interface: LanceDB (embedded) and Qdrant.
export {};
