import { onBeforeUnmount, onMounted } from 'vue'
import { commandFor, shortcutAllowed, type EditorCommand, type KeyTarget } from '../lib/shortcuts'

/** The sound toolbar's button names and the command each runs. */
const toolbarCommands: Record<string, EditorCommand> = {
  toggle: { name: 'playPause' },
  playRange: { name: 'playSelection' },
  loop: { name: 'toggleLoop' },
  toStart: { name: 'toStart' },
  toEnd: { name: 'toEnd' },
  zoomIn: { name: 'zoomIn' },
  zoomOut: { name: 'zoomOut' },
  zoomFit: { name: 'zoomFit' },
  zoomRange: { name: 'zoomSelection' },
  newRegion: { name: 'newRegion' },
  marker: { name: 'marker' },
  export: { name: 'export' },
  help: { name: 'help' },
}

/** What the key handler needs to know of the element a key was pressed in. */
function keyTarget(target: EventTarget | null): KeyTarget {
  const element = target instanceof Element ? target : null
  return {
    tag: element?.tagName.toLowerCase() ?? 'body',
    type: element?.getAttribute('type'),
    role: element?.getAttribute('role'),
    editable: element instanceof HTMLElement && element.isContentEditable,
    inDialog: element?.closest('[aria-modal="true"]') != null || document.querySelector('[aria-modal="true"]') != null,
  }
}

/**
 * The sound editor's keyboard shortcuts and toolbar buttons, both turned into EditorCommands for `run`.
 * A key anywhere on the page runs its command while the editor is mounted, unless the element it was
 * pressed in keeps that key (shortcutAllowed); without a sound open only "open" and "help" run.
 */
export function useEditorShortcuts(run: (command: EditorCommand) => void, hasSound: () => boolean): { onToolbar: (name: string) => void } {
  function onToolbar(name: string): void {
    const command = toolbarCommands[name]
    if (command) run(command)
  }

  function onKeydown(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.isComposing) return
    const command = commandFor(event)
    if (!command || !shortcutAllowed(command, keyTarget(event.target))) return
    if (!hasSound() && command.name !== 'open' && command.name !== 'help') return
    event.preventDefault()
    run(command)
  }

  onMounted(() => window.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown))

  return { onToolbar }
}
