/*
 * Written forms and what they are read as. Titles and street words that depend on context
 * (Dr. doctor/drive, St. saint/street) are resolved in normalise.ts by the capital of the next word.
 */

/** Abbreviations with their dot, lower case, to words. */
export const abbreviations: Record<string, string[]> = {
  'mr.': ['mister'], 'mrs.': ['missus'], 'ms.': ['miz'], 'prof.': ['professor'], 'jr.': ['junior'], 'sr.': ['senior'],
  'vs.': ['versus'], 'etc.': ['et', 'cetera'], 'e.g.': ['for', 'example'], 'i.e.': ['that', 'is'], 'mt.': ['mount'],
  'ave.': ['avenue'], 'rd.': ['road'], 'blvd.': ['boulevard'], 'approx.': ['approximately'], 'dept.': ['department'],
  'est.': ['established'], 'fig.': ['figure'], 'inc.': ['incorporated'], 'ltd.': ['limited'], 'co.': ['company'],
  'corp.': ['corporation'], 'gov.': ['governor'], 'gen.': ['general'], 'capt.': ['captain'], 'sgt.': ['sergeant'],
  'lt.': ['lieutenant'], 'col.': ['colonel'], 'rev.': ['reverend'], 'jan.': ['january'], 'feb.': ['february'],
  'mar.': ['march'], 'apr.': ['april'], 'jun.': ['june'], 'jul.': ['july'], 'aug.': ['august'], 'sep.': ['september'],
  'sept.': ['september'], 'oct.': ['october'], 'nov.': ['november'], 'dec.': ['december'], 'a.m.': ['a', 'm'],
  'p.m.': ['p', 'm'], 'u.s.': ['u', 's'], 'u.k.': ['u', 'k'], 'mins.': ['minutes'], 'hrs.': ['hours'],
}

/** Abbreviations whose reading depends on whether a capitalised name follows: [before a name, otherwise]. */
export const contextual: Record<string, [string, string]> = {
  'dr.': ['doctor', 'drive'],
  'st.': ['saint', 'street'],
}

/** Abbreviations that come before a name, so never end a sentence. */
export const titles = new Set(['mr.', 'mrs.', 'ms.', 'dr.', 'prof.', 'st.', 'mt.', 'capt.', 'sgt.', 'lt.', 'col.', 'gen.', 'gov.', 'rev.', 'no.', 'vs.', 'e.g.', 'i.e.', 'approx.', 'fig.'])

/** Units read after a number: [singular, plural]. */
export const units: Record<string, [string, string]> = {
  km: ['kilometer', 'kilometers'], kg: ['kilogram', 'kilograms'], cm: ['centimeter', 'centimeters'], mm: ['millimeter', 'millimeters'],
  mg: ['milligram', 'milligrams'], ml: ['milliliter', 'milliliters'], mph: ['mile per hour', 'miles per hour'],
  kph: ['kilometer per hour', 'kilometers per hour'], lb: ['pound', 'pounds'], lbs: ['pound', 'pounds'], oz: ['ounce', 'ounces'],
  ft: ['foot', 'feet'], hz: ['hertz', 'hertz'], khz: ['kilohertz', 'kilohertz'], ms: ['millisecond', 'milliseconds'],
  kb: ['kilobyte', 'kilobytes'], mb: ['megabyte', 'megabytes'], gb: ['gigabyte', 'gigabytes'], tb: ['terabyte', 'terabytes'],
  db: ['decibel', 'decibels'], kw: ['kilowatt', 'kilowatts'], mi: ['mile', 'miles'], yd: ['yard', 'yards'],
}

/** Currency signs: [unit singular, plural, hundredth singular, plural]. */
export const currencies: Record<string, [string, string, string, string]> = {
  $: ['dollar', 'dollars', 'cent', 'cents'],
  '£': ['pound', 'pounds', 'penny', 'pence'],
  '€': ['euro', 'euros', 'cent', 'cents'],
  '¥': ['yen', 'yen', 'sen', 'sen'],
}

export const months = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']

/** Symbols read as words when they stand alone or join words. */
export const symbols: Record<string, string> = {
  '&': 'and', '+': 'plus', '=': 'equals', '@': 'at', '%': 'percent', '#': 'number', '°': 'degrees', '×': 'times',
}

/** How URL and e-mail separators are read. */
export const separators: Record<string, string> = { '.': 'dot', '/': 'slash', '-': 'dash', _: 'underscore', '@': 'at', '+': 'plus', ':': 'colon', '~': 'tilde', '?': 'question mark', '=': 'equals', '&': 'and' }
