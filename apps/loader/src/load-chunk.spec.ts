import { chunkSize } from './load.handler';

describe('loader chunk size', () => {
  const dataverse = { maxBatch: 1000, loadBatch: 200, maxFileBytes: null }; // bulk messages off
  const salesforce = { maxBatch: 10_000, loadBatch: 10_000, maxFileBytes: null };

  it("takes the destination's own choice when FERRY_LOAD_BATCH_SIZE is not set", () => {
    expect(chunkSize(undefined, dataverse)).toBe(200);
    expect(chunkSize(undefined, salesforce)).toBe(10_000);
  });

  it('takes the setting, never above what one write accepts', () => {
    expect(chunkSize(50, salesforce)).toBe(50);
    expect(chunkSize(5000, dataverse)).toBe(1000);
  });
});
