/** A value made on first use and then kept for the container's life: configuration, SDK clients. */
export function lazy<T>(create: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: create() }).value;
}
