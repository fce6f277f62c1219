import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { actionFor, thresholdsFromEnvironment, type Thresholds } from '../../../functions/fraud/decision';
import { modelMetadataPath } from '../../../functions/fraud/model-location';
import { decisionsThatFit, isFraudDecision } from '../../../functions/fraud/review-rules';

const T: Thresholds = { review: 60, hold: 80, decline: 95 };

describe('actionFor', () => {
  it.each([
    [0, 'approve'],
    [59, 'approve'],
    [60, 'review'],
    [79, 'review'],
    [80, 'hold'],
    [94, 'hold'],
    [95, 'decline'],
    [99, 'decline'],
  ])('score %i -> %s', (score, action) => {
    expect(actionFor(score, T)).toBe(action);
  });

  it('equal thresholds skip a band; 100 never acts', () => {
    expect(actionFor(70, { review: 70, hold: 70, decline: 100 })).toBe('hold');
    expect(actionFor(99, { review: 70, hold: 70, decline: 100 })).toBe('hold');
    expect(actionFor(99, { review: 100, hold: 100, decline: 100 })).toBe('approve');
  });
});

describe('thresholdsFromEnvironment (FRAUD_THRESHOLDS)', () => {
  const fallback: Thresholds = { review: 50, hold: 75, decline: 90 };

  it("unset or blank: the model's recommended thresholds", () => {
    expect(thresholdsFromEnvironment(undefined, fallback)).toEqual(fallback);
    expect(thresholdsFromEnvironment('  ', fallback)).toEqual(fallback);
  });

  it('parses the JSON the CDK config writes', () => {
    expect(thresholdsFromEnvironment('{"review":65,"hold":85,"decline":97}', fallback)).toEqual({
      review: 65,
      hold: 85,
      decline: 97,
    });
  });

  it.each([
    ['not JSON', '{review:1}', /not JSON/],
    ['falling', '{"review":90,"hold":80,"decline":95}', /must not fall/],
    ['out of range', '{"review":60,"hold":80,"decline":101}', /decline/],
    ['fractional', '{"review":60.5,"hold":80,"decline":95}', /review/],
    ['missing', '{"review":60,"hold":80}', /decline/],
    ['unknown key', '{"review":60,"hold":80,"decline":95,"block":99}', /block|unrecognized/i],
  ])('%s is a configuration error naming the problem', (_, raw, message) => {
    expect(() => thresholdsFromEnvironment(raw, fallback)).toThrow(message);
  });
});

describe('review rules', () => {
  it('fit decisions to the payment status', () => {
    expect(decisionsThatFit('held')).toEqual(['approve', 'reject']);
    expect(decisionsThatFit('in_review')).toEqual(['confirm', 'fraud']);
    expect(decisionsThatFit('partially_refunded')).toEqual(['confirm', 'fraud']);
    expect(decisionsThatFit('approved')).toEqual([]);
    expect(decisionsThatFit('pending')).toEqual([]);
  });

  it('reject and fraud are fraud labels; approve and confirm are not', () => {
    expect(['approve', 'reject', 'confirm', 'fraud'].filter((d) => isFraudDecision(d as never))).toEqual([
      'reject',
      'fraud',
    ]);
  });
});

describe('modelMetadataPath', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rampay-models-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('takes the one model in the directory, ignoring parity reports and other files', async () => {
    await writeFile(path.join(dir, 'fraud-abc123.json'), '{}');
    await writeFile(path.join(dir, 'fraud-abc123.parity.json'), '{}');
    await writeFile(path.join(dir, 'fraud-abc123.onnx'), '');
    expect(modelMetadataPath(undefined, dir)).toBe(path.join(dir, 'fraud-abc123.json'));
  });

  it('needs a choice when there are several, and accepts a version, a file name or a path', async () => {
    await writeFile(path.join(dir, 'fraud-aaa.json'), '{}');
    await writeFile(path.join(dir, 'fraud-bbb.json'), '{}');
    expect(() => modelMetadataPath(undefined, dir)).toThrow(/2 fraud models .* FRAUD_MODEL/);
    expect(modelMetadataPath('bbb', dir)).toBe(path.join(dir, 'fraud-bbb.json'));
    expect(modelMetadataPath('fraud-aaa.json', dir)).toBe(path.join(dir, 'fraud-aaa.json'));
    expect(modelMetadataPath('/elsewhere/fraud-c.json', dir)).toBe('/elsewhere/fraud-c.json');
  });

  it('says so when there is no model', () => {
    expect(() => modelMetadataPath(undefined, dir)).toThrow(/no fraud model/);
  });
});
