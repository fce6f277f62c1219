import fc from 'fast-check';
import { parseEvent } from '../../../../functions/domain/event-schemas';
import { InvalidEventError } from '../../../../functions/domain/events';
import {
  formatTraceparent,
  formatXRayHeader,
  newTraceId,
  parseTraceparent,
  parseXRayHeader,
} from '../../../../functions/shared/tracing/trace-context';
import { paymentCreated } from '../consumer/fixtures';

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const context = fc.record({
  traceId: hex(32).filter((id) => /[1-9a-f]/.test(id)),
  spanId: hex(16).filter((id) => /[1-9a-f]/.test(id)),
  sampled: fc.boolean(),
});

describe('trace context', () => {
  it('survives a round trip through traceparent and through the X-Ray header', () => {
    fc.assert(
      fc.property(context, (c) => {
        expect(parseTraceparent(formatTraceparent(c))).toEqual(c);
        expect(parseXRayHeader(formatXRayHeader(c))).toEqual(c);
      }),
    );
  });

  it("reads X-Ray's own headers, with the fields in any order and a Lineage", () => {
    expect(
      parseXRayHeader('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'),
    ).toEqual({ traceId: '5759e988bd862e3fe1be46a994272793', spanId: '53995c3f42cd8ad8', sampled: true });
    expect(
      parseXRayHeader(
        'Sampled=0;Lineage=a87bd80c:0;Parent=53995c3f42cd8ad8;Root=1-5759e988-bd862e3fe1be46a994272793',
      ),
    ).toMatchObject({ sampled: false });
    expect(
      formatXRayHeader({
        traceId: '5759e988bd862e3fe1be46a994272793',
        spanId: '53995c3f42cd8ad8',
        sampled: true,
      }),
    ).toBe('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');
  });

  it('finds no context in anything else, and never throws', () => {
    for (const bad of [
      undefined,
      '',
      '00-00000000000000000000000000000000-53995c3f42cd8ad8-01',
      '00-5759e988bd862e3fe1be46a994272793-0000000000000000-01',
      '00-5759E988BD862E3FE1BE46A994272793-53995c3f42cd8ad8-01',
      '01-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01',
      '00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01-extra',
    ])
      expect(parseTraceparent(bad)).toBeUndefined();
    expect(parseXRayHeader('Root=1-5759e988-bd862e3fe1be46a994272793')).toBeUndefined(); // no Parent
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), (text) => {
        const parsed = [parseTraceparent(text), parseXRayHeader(text)];
        for (const c of parsed) if (c) expect(c.traceId).toMatch(/^[0-9a-f]{32}$/);
      }),
    );
  });

  it('starts trace ids with the time in epoch seconds, as X-Ray requires', () => {
    const id = newTraceId(Date.UTC(2026, 0, 1));
    expect(parseInt(id.slice(0, 8), 16)).toBe(Date.UTC(2026, 0, 1) / 1000);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("the envelope's traceparent", () => {
  it('is optional, and refused by the envelope schema when it is not a W3C traceparent', () => {
    const event = paymentCreated();
    expect(parseEvent(event)).toEqual(event);
    const traceparent = '00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01';
    expect(parseEvent({ ...event, traceparent })).toMatchObject({ traceparent });
    for (const bad of ['nonsense', '00-00000000000000000000000000000000-53995c3f42cd8ad8-01', 42])
      expect(() => parseEvent({ ...event, traceparent: bad })).toThrow(InvalidEventError);
  });
});
