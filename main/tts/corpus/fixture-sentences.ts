/*
 * The fixture corpus's text, written for this project (not taken from ARCTIC's prompts): sentences of
 * common words, and sentences built from templates that put numbers, ordinals, dates, times, money,
 * percentages and abbreviations in ordinary frames, so the front end's normalisation is exercised by
 * what the voice says.
 */

import { composedSentences } from './composed-sentences'

const written = [
  'The kettle was still warm when we came back inside.',
  'She folded the map and put it in her coat pocket.',
  'Nobody knew why the old clock stopped at noon.',
  'We walked along the river until the path turned to mud.',
  'He asked for a glass of water and a quiet table.',
  'The children laughed at the dog chasing its own tail.',
  'Please close the window before the rain comes in.',
  'A small boat drifted past the harbour wall.',
  'The garden needs more light than the kitchen gets.',
  'They painted the fence green, then changed their minds.',
  'Every morning the baker opens his shop at six.',
  'I would rather read a book than watch the news.',
  'The train was late, so we shared a taxi to the station.',
  'Her brother fixes bicycles in a shed behind the house.',
  'Turn left at the church and follow the road to the farm.',
  'The meeting ended sooner than anyone expected.',
  'Could you bring the blue folder from my desk?',
  'Snow fell all night and covered the cars in the street.',
  'My grandmother kept letters in a box under her bed.',
  'The engine made a strange noise on the hill.',
  'We need bread, milk, eggs and a bag of apples.',
  'The museum is closed on Mondays during the winter.',
  'He whistled a tune that nobody could name.',
  'The bridge was built by workers from three villages.',
  'Stars were shining brightly above the dark field.',
  'Her voice was calm, but her hands were shaking.',
  'The library lends tools as well as books.',
  'They argued about the price for almost an hour.',
  'A cold wind blew the leaves across the yard.',
  'The doctor said the test results looked normal.',
  'Is this the right platform for the northern line?',
  'The cat slept on the warm stones by the door.',
  'We planted tomatoes, beans and a row of onions.',
  'His answer surprised everyone in the room.',
  'The radio played old songs late into the evening.',
  'Keep the receipt in case the shoes do not fit.',
  'The lighthouse keeper wrote in his diary every night.',
  'Fresh paint covered the walls of the little school.',
  'The market sells fish, cheese and warm bread.',
  'Why did the lights go out in the middle of the film?',
  'A thin line of smoke rose from the chimney.',
  'The teacher read the poem twice, slowly and clearly.',
  'We found an old coin buried near the gate.',
  'The pilot told us to fasten our seat belts.',
  'Rain drummed on the roof of the empty barn.',
  'She sent the parcel by express delivery.',
  'The team trained hard for the final match.',
  'The orchestra tuned their instruments in silence.',
  'Wait here while I look for the manager.',
  'The tide came in faster than we thought.',
]

const names = ['Smith', 'Jones', 'Brown', 'Taylor', 'Wilson', 'Clarke', 'Walker', 'Turner', 'Hughes', 'Morgan']
const titles = ['Dr.', 'Mr.', 'Mrs.', 'Ms.', 'Prof.']
const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const things = ['tickets', 'books', 'chairs', 'boxes', 'letters', 'lamps', 'coats', 'plates', 'maps', 'keys']
const places = ['the station', 'the market', 'the library', 'the office', 'the harbour', 'the hospital', 'the museum', 'the school']
const streets = ['Baker St.', 'Hill Rd.', 'Park Ave.', 'Mill St.', 'Oak Ave.', 'Church Rd.']
const suffix = (n: number): string => (n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')

/** Templates; each takes a counter so that every sentence is different and the list is fixed. */
const templates: ((k: number) => string)[] = [
  (k) => `${titles[k % 5]} ${names[k % 10]} paid $${(k * 7) % 90 + 2}.${String((k * 13) % 100).padStart(2, '0')} for ${(k % 9) + 2} ${things[k % 10]}.`,
  (k) => `The meeting is on ${(k % 28) + 1} ${months[k % 12]} ${1990 + (k * 3) % 35} at ${(k % 12) + 1}:${String((k * 5) % 60).padStart(2, '0')}.`,
  (k) => `${names[(k + 3) % 10]} finished ${k % 20 + 1}${suffix(k % 20 + 1)} out of ${40 + k % 60} runners.`,
  (k) => `About ${(k * 7) % 95 + 3}% of the ${things[(k + 1) % 10]} were sold before ${months[(k + 5) % 12]} ${(k % 27) + 1}.`,
  (k) => `We drove ${(k * 17) % 400 + 12} km to ${places[k % 8]} and back.`,
  (k) => `The shop on ${streets[k % 6]} opens at ${(k % 4) + 7} a.m. and closes at ${(k % 5) + 5} p.m.`,
  (k) => `In ${1850 + (k * 11) % 170} the town had ${((k * 37) % 90 + 10) * 100} people.`,
  (k) => `The bill came to ${(k * 3) % 40 + 1},${String((k * 271) % 1000).padStart(3, '0')} dollars, or about $${(k % 9) + 1} million in total.`,
  (k) => `${titles[(k + 2) % 5]} ${names[(k + 5) % 10]} lives at number ${(k * 13) % 200 + 1}, near ${places[(k + 3) % 8]}.`,
  (k) => `The water rose ${(k % 9) + 1}.${(k * 3) % 10} meters in ${(k % 6) + 2} hours.`,
]

/** How many composed sentences (composed-sentences.ts) the list ends with. */
export const composedCount = 450

/** Every sentence the fixture may choose from: the written ones, 30 of each template, then the composed ones. */
export function fixtureSentences(): string[] {
  const built = templates.flatMap((template) => Array.from({ length: 30 }, (_, k) => template(k)))
  return [...written, ...built, ...composedSentences(composedCount)]
}
