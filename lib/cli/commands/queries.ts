import { loadQueryLibrary } from '../../queries/library';
import { CommandSpec, ParsedCommand } from '../args';
import { CliIo } from '../io';
import { renderJson, renderRows } from '../output';

export const QUERIES_COMMAND: CommandSpec = {
  name: 'queries',
  summary: 'list the saved queries of queries/ (the README table is this, as Markdown)',
  usage: 'queries [--output table|markdown|json|csv]',
  details: ['Reads the query files and lints them; a broken file stops the listing with its file, line and reason.'],
  options: {},
  formats: ['table', 'markdown', 'json', 'csv'],
  aws: false,
  examples: ['logs-cli queries', 'npm run queries:readme   # logs-cli queries --output markdown'],
};

export function runQueriesCommand(parsed: ParsedCommand, io: CliIo): number {
  const library = loadQueryLibrary();
  if (parsed.output === 'json') {
    io.stdout.write(renderJson(library.map((q) => ({ id: q.id, name: q.name, description: q.description, logTypes: q.logTypes, parameters: q.parameters }))));
    return 0;
  }
  const markdown = parsed.output === 'markdown';
  const rows = library.map((q) => ({
    Query: markdown ? `\`${q.id}\`` : q.id,
    'Console name': q.name,
    'Log types': q.logTypes.join(', '),
    Parameters: q.parameters.join(', '),
    Description: q.description,
  }));
  const columns = library.some((q) => q.parameters.length > 0) ? undefined : ['Query', 'Console name', 'Log types', 'Description'];
  io.stdout.write(renderRows(rows, parsed.output, columns));
  return 0;
}
