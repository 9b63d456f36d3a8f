import { loadQueryLibrary } from '../../lib/queries/library';
import { compareResultValues, queryShape } from '../../lib/queries/query-shape';

describe('query shape', () => {
  test('reads the last sort (every key, with direction), the last limit, and whether it aggregates', () => {
    const shape = queryShape('# name: x\n# sort a desc | limit 1\nstats count(*) as calls, sum(cost) as cost_usd by user\n| sort calls desc, `cost-usd` asc, user\n| limit 10');
    expect(shape).toEqual({
      sort: [
        { field: 'calls', descending: true },
        { field: 'cost-usd', descending: false },
        { field: 'user', descending: false },
      ],
      limit: 10,
      aggregates: true,
    });
    expect(queryShape('fields @message | filter x = "| sort y desc"')).toEqual({ sort: [], limit: undefined, aggregates: false });
  });

  test('every library query has a readable shape', () => {
    const shapes = new Map(loadQueryLibrary().map((q) => [q.id, queryShape(q.text)]));
    expect(shapes.get('llm/top-users')).toEqual({ sort: [{ field: 'calls', descending: true }, { field: 'cost_usd', descending: true }], limit: 10, aggregates: true });
    expect(shapes.get('errors/recent-errors')).toEqual({ sort: [{ field: '@timestamp', descending: true }], limit: 100, aggregates: false });
  });

  test("values compare like Logs Insights' ascending sort", () => {
    const values = ['10', 'b2', '9', 'b10', '-1.5', 'a'];
    expect([...values].sort(compareResultValues)).toEqual(['a', 'b2', 'b10', '-1.5', '9', '10']);
  });
});
