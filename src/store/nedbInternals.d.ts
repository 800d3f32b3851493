// The part of NeDB 1.8's internals the store reaches into (nedbAppender.ts, nedbIds.ts): its
// serializer, so the lines appended are byte for byte the ones NeDB writes itself.
declare module "nedb/lib/model" {
  /** One document as one line of a NeDB data file (JSON; dates as {"$$date": ms}). */
  export function serialize(doc: object): string;
}
