/**
 * The stored assessments read for drift: one day's scores and features counted into the reference's bins by
 * PostgreSQL itself (width_bucket numbers the bins as drift/psi.ts does), so a day of any size comes back as a
 * few hundred rows. The day's range is read through fraud_assessments_assessed_at (migration 0016).
 */
import type { Queryable } from '../../shared/db/client';
import type { DriftBin, DriftCuts, DriftReads } from '../ports';

interface BinRow {
  kind: 'score' | 'feature';
  name: string;
  bin: number;
  count: number;
  sum: number;
}

export class PostgresDriftReads implements DriftReads {
  constructor(private readonly sql: Queryable) {}

  async countAssessments(model: string, from: Date, to: Date): Promise<number> {
    const [row] = await this.sql<{ count: number }[]>`
      select count(*)::int as count
        from fraud_assessments
       where assessed_at >= ${from} and assessed_at < ${to} and model_version = ${model}`;
    return row?.count ?? 0;
  }

  async binAssessments(
    model: string,
    from: Date,
    to: Date,
    cuts: DriftCuts,
    every: number,
  ): Promise<DriftBin[]> {
    if (!Number.isInteger(every) || every < 1) throw new Error(`every must be a positive integer: ${every}`);
    const spec = { score: cuts.score, features: cuts.features };
    const rows = await this.sql<BinRow[]>`
      with spec as (select ${this.sql.json(spec as never)}::jsonb as j),
      cuts as (
        select 'score'::text as kind, ''::text as name,
               array(select e.value::float8 from jsonb_array_elements_text(spec.j -> 'score') with ordinality e
                      order by e.ordinality) as cuts
          from spec
        union all
        select 'feature', f.key,
               array(select e.value::float8 from jsonb_array_elements_text(f.value) with ordinality e
                      order by e.ordinality)
          from spec, jsonb_each(spec.j -> 'features') f
      ),
      day as (
        select a.score, a.features
          from fraud_assessments a
         where a.assessed_at >= ${from} and a.assessed_at < ${to} and a.model_version = ${model}
           and hashtext(a.payment_id::text) % ${every}::int = 0
      ),
      series as (
        select 'score'::text as kind, ''::text as name, day.score::float8 as value from day
        union all
        select 'feature', f.key, f.value::float8 from day, jsonb_each_text(day.features) f
      )
      select s.kind, s.name, width_bucket(s.value, c.cuts) as bin, count(*)::int as count,
             sum(s.value)::float8 as sum
        from series s
        join cuts c on c.kind = s.kind and c.name = s.name
       group by s.kind, s.name, bin`;
    return rows.map((r) => ({
      series: r.kind === 'score' ? { kind: 'score' } : { kind: 'feature', name: r.name },
      bin: r.bin,
      count: r.count,
      sum: r.sum,
    }));
  }
}
