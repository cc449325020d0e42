import { seededRandom } from '../../compute/seeded-random'

/*
 * Plain sentences composed from a small grammar and a few hundred everyday words, seeded so the list is
 * fixed. Why: the written sentences are few and the templates repeat their frames, so a voice trained
 * on them alone hears too few words and phone contexts to speak new text clearly. Every frame here is
 * grammatical; the words are chosen to cover English's phones in many neighbours.
 */

const people = ['the farmer', 'my neighbour', 'a young nurse', 'the old sailor', 'her uncle', 'the judge', 'our teacher', 'a tired waiter', 'the mayor', 'his cousin', 'the plumber', 'a quiet student', 'the chef', 'my aunt', 'the driver', 'a jolly fisherman', 'the lawyer', 'your friend', 'the gardener', 'a shy boy']
const names = ['Anna', 'George', 'Lucy', 'Martin', 'Sophie', 'Oliver', 'Grace', 'Victor', 'Judith', 'Peter', 'Rachel', 'Hugo', 'Ethel', 'Owen', 'Zoe', 'Frank']
const objects = ['a yellow jacket', 'the heavy suitcase', 'an empty bottle', 'the broken chair', 'a silver spoon', 'the wooden ladder', 'a thick blanket', 'the leather purse', 'a rusty bicycle', 'the paper bag', 'a sharp pencil', 'the glass jug', 'a woollen scarf', 'the brass key', 'a basket of plums', 'the torn photograph', 'a jar of honey', 'the orange umbrella', 'a pair of boots', 'the cracked mirror', 'a loaf of rye bread', 'the shiny trumpet', 'a bundle of twigs', 'the huge pumpkin']
const places = ['the kitchen', 'the village hall', 'the beach', 'the attic', 'the garage', 'the zoo', 'the bakery', 'the hotel lobby', 'the cathedral', 'the forest', 'the swimming pool', 'the theatre', 'the valley', 'the airport', 'the cellar', 'the playground', 'the factory', 'the jungle', 'the courthouse', 'the cottage']
const verbs = ['carried', 'dropped', 'found', 'washed', 'borrowed', 'painted', 'hid', 'mended', 'threw', 'bought', 'chose', 'pushed', 'lifted', 'polished', 'wrapped', 'measured', 'shook', 'examined', 'sold', 'delivered']
const intransitive = ['laughed', 'shivered', 'hurried away', 'fell asleep', 'sneezed loudly', 'waited patiently', 'sighed', 'cheered', 'paused', 'vanished', 'argued', 'froze', 'giggled', 'yawned', 'stumbled']
const times = ['yesterday', 'this morning', 'on Thursday', 'after lunch', 'last summer', 'before dawn', 'every evening', 'at midnight', 'during the storm', 'on Sunday afternoon', 'in the autumn', 'later that week']
const adjectives = ['enormous', 'gentle', 'noisy', 'smooth', 'curious', 'bright', 'fragile', 'muddy', 'delicious', 'ancient', 'clumsy', 'frozen', 'hollow', 'peculiar', 'wealthy', 'thirsty', 'purple', 'crooked', 'elegant', 'stubborn']
const animals = ['a black horse', 'the lazy cat', 'a flock of geese', 'the brown owl', 'a hungry fox', 'the little mouse', 'a herd of cows', 'the white rabbit', 'a swarm of bees', 'the grey wolf', 'a family of ducks', 'the old donkey']
const actions = ['fix the roof', 'cook the dinner', 'feed the chickens', 'answer the phone', 'count the money', 'check the engine', 'sweep the floor', 'water the flowers', 'lock the door', 'choose a gift', 'join the choir', 'catch the bus']

const capital = (s: string): string => s[0]!.toUpperCase() + s.slice(1)

/** Frames of plain sentences; each takes a word picker. */
const frames: ((pick: <T>(list: readonly T[]) => T) => string)[] = [
  (p) => `${capital(p(people))} ${p(verbs)} ${p(objects)} in ${p(places)} ${p(times)}.`,
  (p) => `${p(names)} ${p(intransitive)} when ${p(people)} opened the door.`,
  (p) => `Did ${p(people)} really ${p(actions)} ${p(times)}?`,
  (p) => `The ${p(adjectives)} tower stood behind ${p(places)} for many years.`,
  (p) => `${capital(p(animals))} wandered into ${p(places)} ${p(times)}.`,
  (p) => `${p(names)} asked ${p(people)} to ${p(actions)} before it got dark.`,
  (p) => `Nobody expected ${p(objects)} to be so ${p(adjectives)}.`,
  (p) => `If you ${p(actions)}, ${p(names)} will bring ${p(objects)}.`,
  (p) => `${capital(p(times))}, ${p(people)} ${p(intransitive)} and ${p(verbs)} ${p(objects)}.`,
  (p) => `Why would ${p(names)} want ${p(objects)} from ${p(places)}?`,
  (p) => `We heard ${p(animals)} near ${p(places)}, but ${p(names)} saw nothing.`,
  (p) => `${p(names)} and ${p(people)} ${p(verbs)} ${p(objects)} together.`,
]

/** `count` composed sentences, the same for the same seed, without repeats. */
export function composedSentences(count: number, seed = 1): string[] {
  const random = seededRandom(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const out = new Set<string>()
  for (let k = 0; out.size < count; k++) out.add(frames[k % frames.length]!(pick))
  return [...out]
}
