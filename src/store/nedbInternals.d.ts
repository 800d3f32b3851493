// The part of NeDB 1.8's internals the store reaches into (nedbAppender.ts, nedbIds.ts,
// nedbQuietRead.ts, nedbQuietWrite.ts): its serializer, so the lines appended are byte for byte the ones NeDB writes
// itself, and its query matcher and copier, so a read answered from memory is the one NeDB gives.
declare module "nedb/lib/model" {
  /** One document as one line of a NeDB data file (JSON; dates as {"$$date": ms}). */
  export function serialize(doc: object): string;
  /** Whether the document matches a NeDB query (throws on an unknown operator, as NeDB's find does). */
  export function match(doc: object, query: object): boolean;
  /** A deep copy of a document, as NeDB's find and findOne return it. */
  export function deepCopy<T>(doc: T): T;
  /** Throws when a document has a field NeDB refuses (starting with $, or with a dot). */
  export function checkObject(doc: object): void;
  /** The document an update makes of `doc`: a whole replacement keeps only the _id. */
  export function modify<T>(doc: T, update: T): T;
}
