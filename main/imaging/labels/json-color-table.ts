import { ColorTable, isColorByte, parseHexColor, type LabelColor, type Rgb } from './color-table'
import { distinctColor } from './distinct-color'

/**
 * A JSON colour table, in any of these shapes:
 *
 *   [{ "label": 1, "name": "Left hippocampus", "color": [255, 0, 0], "alpha": 1 }, ...]
 *   { "labels": [ ...the same entries... ] }
 *   { "1": { "name": "Left hippocampus", "color": "#ff0000" }, "2": "Right hippocampus" }
 *
 * color is [r, g, b] (0..255) or '#rrggbb'; alpha (0..1) and visible are optional; an entry without
 * a colour gets its distinct colour. The writer emits the first shape.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseEntry(table: ColorTable, where: string, label: Json | undefined, value: Json | undefined): void {
  if (typeof label !== 'number' || !Number.isSafeInteger(label)) {
    return table.warn(undefined, `${where}: "label" must be a whole number; entry skipped`)
  }
  const fields = isObject(value) ? value : { name: value ?? null }
  const name = fields.name ?? fields.label_name ?? (typeof fields.label === 'string' ? fields.label : '')
  if (typeof name !== 'string') return table.warn(undefined, `${where}: "name" must be a string; entry skipped`)
  const entry: LabelColor = { name, color: distinctColor(label) }
  const color = fields.color ?? fields.colour
  if (typeof color === 'string') {
    const parsed = parseHexColor(color)
    if (parsed === null) return table.warn(undefined, `${where}: colour is not #rrggbb; entry skipped`)
    entry.color = parsed.color
    if (parsed.alpha !== undefined) entry.alpha = parsed.alpha
  } else if (Array.isArray(color)) {
    if (color.length !== 3 || !color.every((c) => typeof c === 'number' && isColorByte(c))) {
      return table.warn(undefined, `${where}: colour must be [r, g, b] with whole numbers 0..255; entry skipped`)
    }
    entry.color = color as Rgb
  } else if (color !== undefined && color !== null) {
    return table.warn(undefined, `${where}: colour must be [r, g, b] or "#rrggbb"; entry skipped`)
  }
  const alpha = fields.alpha ?? fields.opacity
  if (alpha !== undefined && alpha !== null) {
    if (typeof alpha !== 'number' || alpha < 0 || alpha > 1) {
      return table.warn(undefined, `${where}: alpha must be a number 0..1; entry skipped`)
    }
    entry.alpha = alpha
  }
  if (typeof fields.visible === 'boolean') entry.visible = fields.visible
  table.define(label, entry)
}

/** Null when the text is not JSON of one of the accepted shapes (the caller reports INVALID_FILE). */
export function parseJsonColorTable(text: string): ColorTable | null {
  let root: Json
  try {
    root = JSON.parse(text.replace(/^\uFEFF/, '')) as Json
  } catch {
    return null
  }
  const table = new ColorTable()
  table.format = 'json'
  const list = Array.isArray(root) ? root : isObject(root) && Array.isArray(root.labels) ? root.labels : null
  if (list !== null) {
    list.forEach((item, index) => {
      const where = `entry ${index + 1}`
      if (!isObject(item)) return table.warn(undefined, `${where}: expected an object {label, name, color}; entry skipped`)
      const label = typeof item.label === 'number' ? item.label : (item.index ?? item.value ?? item.label)
      parseEntry(table, where, label, item)
    })
    return table
  }
  if (!isObject(root)) return null
  const keys = Object.keys(root)
  if (keys.length === 0 || !keys.some((key) => /^-?\d+$/.test(key))) return null
  keys.forEach((key, index) => {
    const label = /^-?\d+$/.test(key) ? Number(key) : Number.NaN
    // A key that is no label is named by its place, not quoted: the file may be any JSON.
    parseEntry(table, Number.isNaN(label) ? `key ${index + 1}` : `key "${key}"`, Number.isNaN(label) ? null : label, root[key])
  })
  return table
}

export function formatJsonColorTable(table: ReadonlyMap<number, LabelColor>): string {
  const entries = [...table.keys()]
    .sort((a, b) => a - b)
    .map((label) => {
      const { name, color, alpha, visible } = table.get(label)!
      return {
        label,
        name,
        color: [...color],
        ...(alpha === undefined ? {} : { alpha }),
        ...(visible === undefined ? {} : { visible }),
      }
    })
  return JSON.stringify(entries, null, 2) + '\n'
}
