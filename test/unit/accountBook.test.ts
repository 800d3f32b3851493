import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AccountBook } from "../../src/broker/accountBook";

describe("account book: only what the server said, held for the nicks it still concerns", () => {
  it("an account, 'none' and 'nothing heard' are three different answers", () => {
    const book = new AccountBook();
    book.set("alice", "alice-acct");
    book.set("bob", undefined);
    assert.equal(book.get("alice"), "alice-acct");
    assert.equal(book.get("bob"), null, "extended-join's '*': known to be logged in to none");
    assert.equal(book.get("carol"), undefined, "nothing heard is not a guess");
    assert.equal(book.size, 2);
  });

  it("a NICK moves what is known; renaming a nick nothing was heard about adds no entry", () => {
    const book = new AccountBook();
    book.set("alice", "acct");
    book.set("bob", undefined);
    book.rename("alice", "alicia");
    assert.equal(book.get("alice"), undefined);
    assert.equal(book.get("alicia"), "acct");
    book.rename("bob", "robert");
    assert.equal(book.get("robert"), null, "'none' moves too");
    assert.equal(book.size, 2);
    book.rename("stranger", "other");
    assert.equal(book.get("other"), undefined);
    assert.equal(book.size, 2, "the book holds only nicks the server told about");
  });

  it("a QUIT (or leaving every channel) forgets the nick", () => {
    const book = new AccountBook();
    book.set("alice", "acct");
    book.set("bob", "b");
    book.forget("alice");
    assert.equal(book.get("alice"), undefined);
    assert.equal(book.get("bob"), "b");
    assert.equal(book.size, 1);
    book.forget("nobody");
    assert.equal(book.size, 1);
  });
});
