// The TypeScript type of a value a JSON schema (declared `as const`) accepts, for the subset of
// JSON Schema the configuration uses. A property is present in the type when the schema requires
// it or gives it a default (validation fills defaults in); otherwise it is optional.

type Present<P, R> = { [K in keyof P]: K extends R ? K : P[K] extends { default: unknown } ? K : never }[keyof P];

type Flatten<T> = { [K in keyof T]: T[K] } & {};

type InferObject<P, R> = Flatten<
  { -readonly [K in Present<P, R> & keyof P]: Infer<P[K]> } & { -readonly [K in Exclude<keyof P, Present<P, R>>]?: Infer<P[K]> }
>;

export type Infer<S> = S extends { oneOf: readonly unknown[] }
  ? Infer<S['oneOf'][number]>
  : S extends { const: infer C }
    ? C
    : S extends { enum: readonly (infer E)[] }
      ? E
      : S extends { type: 'string' }
        ? string
        : S extends { type: 'integer' } | { type: 'number' }
          ? number
          : S extends { type: 'boolean' }
            ? boolean
            : S extends { type: 'array'; items: infer I }
              ? Infer<I>[]
              : S extends { type: 'object'; properties: infer P }
                ? InferObject<P, S extends { required: readonly (infer R)[] } ? R : never>
                : unknown;
