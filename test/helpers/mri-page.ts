import type { Page } from 'playwright-core'
import { openInDialog } from './file-dialog'

/** Goes to the MRI workspace and opens `name` in `folder` as the image, through the file browser. */
export async function openMriImage(page: Page, folder: string, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Workspaces' }).getByRole('link', { name: 'MRI', exact: true }).click()
  await page.getByRole('heading', { level: 1, name: 'MRI' }).waitFor()
  await page.getByTestId('open-image').click()
  await openInDialog(page.getByRole('dialog', { name: 'Open an image' }), folder, name)
  await page.getByTestId('image-name').waitFor({ timeout: 60_000 })
}
