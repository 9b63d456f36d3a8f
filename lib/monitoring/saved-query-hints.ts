import { loadQueryLibrary } from '../queries/library';
import { QueryFile } from '../queries/query-file';
import { savedQueryName } from '../queries/scope';

/** Saved-query ids (`<folder>/<slug>`) an alarm may point to; each must exist in `queries/`. */
export type SavedQueryId = string;

/**
 * Names the saved queries an alarm's reader should run next, as the console shows them
 * (`central-logging/prod/llm/Prompts over 100,000 tokens`), read from the query library so a renamed query changes
 * the descriptions with it and a removed one fails the synth.
 */
export class SavedQueryHints {
  readonly #byId: ReadonlyMap<string, QueryFile>;

  constructor(
    private readonly project: string,
    private readonly environment: string,
    queries: readonly QueryFile[] = loadQueryLibrary(),
  ) {
    this.#byId = new Map(queries.map((q) => [q.id, q]));
  }

  /** `saved query "<console name>"`; throws for an id the library lacks (a programmer error in the alarm table). */
  public hint(id: SavedQueryId): string {
    const query = this.#byId.get(id);
    if (!query) throw new Error(`alarm table refers to saved query "${id}", which is not in queries/`);
    return `saved query "${savedQueryName(this.project, this.environment, query)}"`;
  }
}
