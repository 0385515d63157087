// What the engine asks the host about sets of contacts, for the triggers that are not caused by one
// contact's event: an automation schedule enters an audience (§3.10, §1.8), and the daily date evaluator
// (§3.5) looks at the contacts that have a value for a date attribute. The api answers from its
// database (by index); tests answer from memory.

export interface ContactDirectory {
  /** Customer ids of an audience at `at`, or undefined when there is no such audience. */
  audienceMembers(audienceId: string, at: Date): Promise<readonly string[] | undefined>;
  /** Customer ids that have a value for the custom attribute `key`. */
  withAttribute(key: string): Promise<readonly string[]>;
}

/** A directory for tests and the simulator: audiences are fixed lists, attributes read from a contact list. */
export class MemoryContactDirectory implements ContactDirectory {
  constructor(
    private readonly audiences: Record<string, readonly string[]>,
    private readonly attributeOwners: (key: string) => readonly string[] = () => [],
  ) {}
  async audienceMembers(audienceId: string): Promise<readonly string[] | undefined> {
    return this.audiences[audienceId];
  }
  async withAttribute(key: string): Promise<readonly string[]> {
    return this.attributeOwners(key);
  }
}
