// Character-level tokenizer: the vocabulary is the sorted set of characters of the training text.
// Characters outside it (in a user's validation text or a prompt) map to the replacement id.

export class CharTokenizer {
  readonly chars: string[];
  private ids = new Map<string, number>();

  constructor(text: string) {
    this.chars = [...new Set(text)].sort();
    if (this.chars.length === 0)
      throw new Error('The training text is empty: load a text file with some content.');
    this.chars.forEach((c, i) => this.ids.set(c, i));
  }

  get vocabSize(): number {
    return this.chars.length;
  }

  /** Id used for unknown characters: the space if present, else 0. */
  get unknownId(): number {
    return this.ids.get(' ') ?? 0;
  }

  encode(text: string): Int32Array {
    const out = new Int32Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = this.ids.get(text[i]) ?? this.unknownId;
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) s += this.chars[ids[i]] ?? '';
    return s;
  }
}
