import { renderCsv, renderMarkdownTable, renderTable, terminalSafe } from '../../lib/cli/output';

describe('output formats', () => {
  const rows = [
    { group: '/aws/ecs/api/errors', count: '12', message: 'timeout, retrying "upstream"' },
    { group: '/aws/ecs/atlantis/errors', count: '3', message: '=HYPERLINK("http://evil.example","click")' },
  ];

  test('csv: RFC 4180 quoting, CRLF, and no formulas from log content', () => {
    expect(renderCsv(rows)).toBe(
      'group,count,message\r\n' +
        '/aws/ecs/api/errors,12,"timeout, retrying ""upstream"""\r\n' +
        `/aws/ecs/atlantis/errors,3,"'=HYPERLINK(""http://evil.example"",""click"")"\r\n`,
    );
    expect(renderCsv([{ delta: '-12', at: '@timestamp' }])).toBe("delta,at\r\n-12,'@timestamp\r\n");
  });

  test('table: aligned columns, numbers to the right, control characters made visible', () => {
    const table = renderTable([{ name: 'a', n: '5' }, { name: 'longer\u001b[2Jname', n: '100' }]);
    expect(table).toBe('name                 n\n-----------------  ---\na                    5\nlonger\\x1b[2Jname  100\n');
    expect(renderTable([])).toBe('(no rows)\n');
    expect(terminalSafe('a\r\nb\tc')).toBe('a b c');
  });

  test('table cuts long cells; markdown escapes pipes and angle brackets', () => {
    expect(renderTable([{ m: 'x'.repeat(200) }]).split('\n')[2]).toHaveLength(120);
    expect(renderMarkdownTable([{ a: 'x|y <type>' }])).toBe('| a |\n| --- |\n| x\\|y &lt;type&gt; |\n');
  });
});
