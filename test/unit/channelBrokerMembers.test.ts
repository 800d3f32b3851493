import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ChannelBroker } from "../../src/broker/channelBroker";
import { FakeClock } from "../support/fakeClock";

const CHANNELS = ["#a", "#b", "#c"];
const CONNECTIONS = ["bot", "u1", "u2", "u3", "u4"];

/**
 * The election as it was written before the broker kept counts and per-connection channels: every
 * member compared, a sort on each election, every channel scanned for a connection's channels.
 */
class Model {
  private readonly members = new Map<string, Map<string, { preferred: boolean; since: number }>>();
  private readonly readers = new Map<string, string | undefined>();
  private counter = 0;
  join(channel: string, id: string, preferred: boolean): void {
    const members = this.members.get(channel) ?? new Map<string, { preferred: boolean; since: number }>();
    this.members.set(channel, members);
    if (!members.has(id)) members.set(id, { preferred, since: this.counter++ });
    this.elect(channel);
  }
  leave(channel: string, id: string): void {
    const members = this.members.get(channel);
    if (members === undefined || !members.delete(id)) return;
    if (this.readers.get(channel) === id) this.readers.set(channel, undefined);
    this.elect(channel);
  }
  reader(channel: string): string | undefined {
    return this.readers.get(channel);
  }
  channelsOf(id: string): string[] {
    return [...this.members].filter(([, m]) => m.has(id)).map(([c]) => c);
  }
  private elect(channel: string): void {
    const members = this.members.get(channel) ?? new Map<string, { preferred: boolean; since: number }>();
    const reader = this.readers.get(channel);
    const current = reader === undefined ? undefined : members.get(reader);
    if (current !== undefined && ![...members.values()].some((m) => m.preferred && !current.preferred)) return;
    const sorted = [...members].sort(([, a], [, b]) => Number(b.preferred) - Number(a.preferred) || a.since - b.since);
    this.readers.set(channel, sorted[0]?.[0]);
  }
}

describe("event broker: readers and a connection's channels without a pass over every member or channel", () => {
  it("elects as the full comparison did, and lists a connection's channels as the scan did, over any joins and leaves", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("join" as const), channel: fc.constantFrom(...CHANNELS), id: fc.constantFrom(...CONNECTIONS) }),
      fc.record({ kind: fc.constant("leave" as const), channel: fc.constantFrom(...CHANNELS), id: fc.constantFrom(...CONNECTIONS) }),
      fc.record({ kind: fc.constant("leaveAll" as const), id: fc.constantFrom(...CONNECTIONS) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const broker = new ChannelBroker<string>({ windowMs: 60000, graceMs: 3000 }, { deliver: () => undefined }, new FakeClock());
        const model = new Model();
        for (const o of ops) {
          if (o.kind === "join") {
            broker.join(o.channel, o.id, o.id === "bot");
            model.join(o.channel, o.id, o.id === "bot");
          } else if (o.kind === "leave") {
            broker.leave(o.channel, o.id);
            model.leave(o.channel, o.id);
          } else {
            broker.leaveAll(o.id);
            for (const channel of CHANNELS) model.leave(channel, o.id);
          }
          for (const channel of CHANNELS) {
            assert.equal(broker.readerOf(channel), model.reader(channel), `reader of ${channel}`);
            assert.deepEqual([...broker.membersOf(channel)].sort(), CONNECTIONS.filter((id) => model.channelsOf(id).includes(channel)).sort());
          }
          for (const id of CONNECTIONS) assert.deepEqual(broker.channelsOf(id).sort(), model.channelsOf(id).sort(), `channels of ${id}`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("the bot joining late takes over; when it leaves, the member that joined first reads; one who left and came back is last", () => {
    const broker = new ChannelBroker<string>({ windowMs: 60000, graceMs: 3000 }, { deliver: () => undefined }, new FakeClock());
    broker.join("#c", "u1");
    broker.join("#c", "u2");
    broker.join("#c", "u3");
    assert.equal(broker.readerOf("#c"), "u1");
    broker.leave("#c", "u1");
    broker.join("#c", "u1");
    assert.equal(broker.readerOf("#c"), "u2", "u1 came back last");
    broker.join("#c", "bot", true);
    assert.equal(broker.readerOf("#c"), "bot");
    broker.join("#c", "u4");
    assert.equal(broker.readerOf("#c"), "bot", "the bot stays");
    broker.leave("#c", "bot");
    assert.equal(broker.readerOf("#c"), "u2");
    broker.leave("#c", "u2");
    assert.equal(broker.readerOf("#c"), "u3");
    broker.leave("#c", "u3");
    assert.equal(broker.readerOf("#c"), "u1", "then the one who came back, before the one who joined after it");
    assert.deepEqual(broker.channelsOf("u1"), ["#c"]);
    broker.leaveAll("u1");
    assert.deepEqual(broker.channelsOf("u1"), []);
    assert.equal(broker.readerOf("#c"), "u4");
  });
});
