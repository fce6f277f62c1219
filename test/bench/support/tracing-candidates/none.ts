/** The baseline: an entry with no tracer at all (Node's own start-up and the import itself). */
export const handler = async () => undefined;
