import { statementsOf } from '../../../../functions/shared/db/sql-text';

describe('statementsOf', () => {
  it('drops comments, blank lines and trailing spaces, and keeps what is quoted whole', () => {
    const text = [
      '-- A table. /* not a block',
      '',
      'create table t (a text default \'-- not a comment\', "b--c" int); -- trailing',
      "/* a block /* nested */ still the block */ insert into t values ('it''s -- quoted');",
      'create function f() returns int language plpgsql as $$',
      'begin',
      '  -- a comment in the body',
      '  return 1;   ',
      'end $$;',
    ].join('\n');
    expect(statementsOf(text)).toBe(
      [
        'create table t (a text default \'-- not a comment\', "b--c" int);',
        " insert into t values ('it''s -- quoted');",
        'create function f() returns int language plpgsql as $$',
        'begin',
        '  return 1;',
        'end $$;',
      ].join('\n'),
    );
  });

  it('is the same for texts that differ only in their comments', () => {
    expect(statementsOf('-- one wording\nselect 1; -- why\n')).toBe(
      statementsOf('-- another wording,\n-- on two lines\n\nselect 1;\n'),
    );
  });
});
