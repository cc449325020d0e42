import type { Locator } from 'playwright-core'

/** Shows `folder` in an open file browser dialog and picks the entry whose name starts with `name`. */
export async function pickInDialog(dialog: Locator, folder: string, name: string): Promise<void> {
  const path = dialog.getByLabel('Folder path')
  await path.fill(folder)
  await path.press('Enter')
  await dialog.getByRole('option', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).click()
}

/** Picks `name` in `folder`, confirms with the `confirm` button and waits for the dialog to close. */
export async function openInDialog(dialog: Locator, folder: string, name: string, confirm = 'Open'): Promise<void> {
  await pickInDialog(dialog, folder, name)
  await dialog.getByRole('button', { name: confirm, exact: true }).click()
  await dialog.waitFor({ state: 'detached' })
}
