import { bundledFxRates } from '../../../functions/fraud/fx-rates';
import { parseEcbDaily, refreshRates } from '../../../lib/ops/fx-rates/refresh';

const ECB = `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <Cube>
    <Cube time='2026-12-04'>
      <Cube currency='USD' rate='1.1650'/>
      <Cube currency='JPY' rate='181.20'/>
      <Cube currency='GBP' rate='0.87630'/>
    </Cube>
  </Cube>
</gesmes:Envelope>`;

describe('refreshing the rates table', () => {
  it("reads the ECB's daily file and versions the table by its day, keeping what it does not quote", () => {
    const current = bundledFxRates();
    const ecb = parseEcbDaily(ECB);
    expect(ecb).toEqual({ asOf: '2026-12-04', unitsPerReference: { USD: 1.165, JPY: 181.2, GBP: 0.8763 } });
    const { rates, changed, kept } = refreshRates(current, { ...ecb, source: 'ECB' });
    expect(rates.version).toBe('2026-12-04.1');
    expect(rates.unitsPerReference.JPY).toBe(181.2);
    expect(rates.unitsPerReference.KWD).toBe(current.unitsPerReference.KWD);
    expect(rates.unitsPerReference.EUR).toBe(1);
    expect(changed.map((c) => c.currency).sort()).toEqual(['GBP', 'JPY', 'USD']);
    expect(kept).toContain('KWD');
    expect(kept).not.toContain('JPY');
    const again = refreshRates(rates, {
      asOf: '2026-12-04',
      source: 'hand',
      unitsPerReference: { KWD: 0.357 },
    });
    expect(again.rates.version).toBe('2026-12-04.2');
  });

  it('refuses older quotes, a malformed file and a zero rate', () => {
    const current = bundledFxRates();
    expect(() => refreshRates(current, { asOf: '2001-01-01', source: 'x', unitsPerReference: {} })).toThrow(
      /older/,
    );
    expect(() => parseEcbDaily('<html>not it</html>')).toThrow(/not the ECB/);
    expect(() => parseEcbDaily(ECB.replace("rate='1.1650'", "rate='0'"))).toThrow(/not positive/);
  });
});
