import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { identAnswer, matches, parseIdentQuery, sameHost } from "../../src/ident/identProtocol";

describe("ident (RFC 1413) queries", () => {
  it("reads two ports separated by a comma, spaces allowed", () => {
    for (const line of ["6191, 23", "6191,23", "  6191 ,\t23 ", "6191 , 23"]) {
      assert.deepEqual(parseIdentQuery(line), { ok: true, query: { localPort: 6191, remotePort: 23 } }, line);
    }
  });

  it("answers out-of-range ports with INVALID-PORT", () => {
    assert.deepEqual(parseIdentQuery("0, 23"), { ok: false, answer: "0 , 23 : ERROR : INVALID-PORT" });
    assert.deepEqual(parseIdentQuery("6191, 65536"), { ok: false, answer: "6191 , 65536 : ERROR : INVALID-PORT" });
  });

  it("does not answer anything else", () => {
    for (const line of ["", "6191", "6191,", ",23", "6191, 23, 4", "6191 23", "-1, 23", "6191, 23x", "123456, 23", "6191, 23\u0000", "GET / HTTP/1.0", "0x10, 23", "1e3, 23"]) {
      assert.deepEqual(parseIdentQuery(line), { ok: false, answer: undefined }, JSON.stringify(line));
    }
  });

  it("answers with the username, or NO-USER", () => {
    const q = { localPort: 6191, remotePort: 6667 };
    assert.equal(identAnswer(q, "alice"), "6191 , 6667 : USERID : UNIX : alice");
    assert.equal(identAnswer(q, undefined), "6191 , 6667 : ERROR : NO-USER");
    for (const bad of ["", "a b", "a:b", "a,b", "a\r\nb", "x".repeat(65)]) assert.equal(identAnswer(q, bad), "6191 , 6667 : ERROR : NO-USER", JSON.stringify(bad));
  });

  it("names a connection only for its own port pair between its own two hosts", () => {
    const pair = { localAddress: "2001:db8::5", localPort: 40000, remoteAddress: "::1", remotePort: 6667 };
    const asked = { ourAddress: "2001:db8::5", querier: "::1" };
    assert.ok(matches(pair, { localPort: 40000, remotePort: 6667 }, asked));
    assert.ok(!matches(pair, { localPort: 40001, remotePort: 6667 }, asked));
    assert.ok(!matches(pair, { localPort: 40000, remotePort: 6668 }, asked));
    assert.ok(!matches(pair, { localPort: 40000, remotePort: 6667 }, { ourAddress: "2001:db8::6", querier: "::1" }));
    assert.ok(!matches(pair, { localPort: 40000, remotePort: 6667 }, { ourAddress: "2001:db8::5", querier: "192.0.2.1" }));
    assert.ok(sameHost("::ffff:127.0.0.1", "127.0.0.1"));
    assert.ok(sameHost("2001:DB8::5", "2001:db8::5"));
    assert.ok(!sameHost("127.0.0.1", "127.0.0.2"));
  });
});
