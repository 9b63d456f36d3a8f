import { median } from './median';

describe('median (benchmark figures)', () => {
  test('the middle value of an odd count, the mean of the two middle values of an even one, in any order', () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([10, 1, 7, 3])).toBe(5);
    expect(median([4])).toBe(4);
    expect(() => median([])).toThrow(/no values/);
  });
});
