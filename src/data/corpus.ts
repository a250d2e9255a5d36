// A user's own text as a corpus: the first 90% trains, the last 10% validates (as Moby-Dick's split).

export interface Corpus {
  train: string;
  val: string;
}

export const MIN_TEXT_CHARS = 2000;

export function splitText(text: string, name = 'The text'): Corpus {
  if (text.length < MIN_TEXT_CHARS) {
    throw new Error(
      `${name} has ${text.length} characters; use a text of at least ${MIN_TEXT_CHARS} characters.`,
    );
  }
  const cut = Math.floor(text.length * 0.9);
  return { train: text.slice(0, cut), val: text.slice(cut) };
}
