import { STEPS } from '../lib/steps/registry';
import { expect, test } from './fixtures';

test('pages redirect an unauthenticated visitor to sign-in', async ({ page }) => {
  const paths = ['/', '/deployments', '/deployments/new', '/deployments/anything', '/deployments/anything/inventory', ...STEPS.map((s) => `/deployments/anything/${s.slug}`)];
  for (const p of paths) {
    const res = await page.request.get(p, { maxRedirects: 0 });
    expect(res.status(), p).toBe(307);
    expect(res.headers()['location'], p).toBe('/login');
  }
  await page.goto('/deployments');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('route handlers answer 401 without a session', async ({ playwright, baseURL }) => {
  const anon = await playwright.request.newContext({ baseURL });
  expect((await anon.get('/api/deployments')).status()).toBe(401);
  expect((await anon.get('/api/deployments/anything')).status()).toBe(401);
  expect((await anon.get('/api/jobs/anything/events')).status()).toBe(401);
  expect((await anon.post('/api/host-check', { data: { host: 'localhost', ports: [{ port: 22 }] } })).status()).toBe(401);
  await anon.dispose();
});

test('a wrong password is refused with a clear message', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('status')).toHaveText('The user name or password is wrong.');
  await expect(page).toHaveURL(/\/login$/);
});

test('server actions refuse a request without a session, and the server rejects invalid input', async ({ signedIn: page, playwright, baseURL }) => {
  // Capture the real server-action request the inventory form sends, then replay it.
  await page.goto('/deployments/new');
  const [, actionRequest] = await Promise.all([
    fillMinimalAndSubmit(page),
    page.waitForRequest((r) => r.method() === 'POST' && !!r.headers()['next-action']),
  ]);
  await expect(page).toHaveURL(/\/deployments\/[a-z0-9]+$/);
  const headers = actionRequest.headers();
  const body = actionRequest.postData() ?? '';
  const countNow = async () => (await (await page.request.get('/api/deployments')).json()).length as number;
  const before = await countNow();

  const anon = await playwright.request.newContext({ baseURL });
  const replay = await anon.post(actionRequest.url(), {
    headers: { 'next-action': headers['next-action']!, 'content-type': headers['content-type'] ?? 'text/plain;charset=UTF-8', accept: 'text/x-component' },
    data: body,
    maxRedirects: 0,
  });
  const redirected = replay.headers()['x-action-redirect'] ?? replay.headers()['location'] ?? '';
  expect(redirected).toContain('/login');
  expect(await countNow()).toBe(before);
  await anon.dispose();

  // Signed in, but with a value the client would have refused: the server is the authority.
  const tampered = body.replace('"clusterName":"MINCLU"', '"clusterName":"WAY-TOO-LONG-CLUSTER-NAME"');
  expect(tampered).not.toBe(body);
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const res = await page.request.post(actionRequest.url(), {
    headers: { 'next-action': headers['next-action']!, 'content-type': headers['content-type'] ?? 'text/plain;charset=UTF-8', accept: 'text/x-component', cookie },
    data: tampered,
    maxRedirects: 0,
  });
  expect(await res.text()).toContain('The cluster name can have at most 15 characters (the NetBIOS limit)');
  expect(await countNow()).toBe(before);
});

test('the delete action refuses a request without a session', async ({ signedIn: page, playwright, baseURL }) => {
  const list = async () => (await (await page.request.get('/api/deployments')).json()) as { id: string; name: string }[];
  await createViaForm(page, 'To delete');
  await createViaForm(page, 'To keep');
  const all = await list();
  const victim = all.find((d) => d.name === 'To delete')!;
  const keeper = all.find((d) => d.name === 'To keep')!;
  await page.goto('/deployments');
  await page.getByRole('button', { name: 'Delete To delete' }).click();
  const dialog = page.getByRole('dialog', { name: /Delete “To delete”/ });
  await expect(dialog).toBeVisible();
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST' && !!r.headers()['next-action']),
    dialog.getByRole('button', { name: 'Delete deployment' }).click(),
  ]);
  await expect(page.getByRole('link', { name: 'To delete' })).toHaveCount(0);
  expect((await list()).map((d) => d.id)).not.toContain(victim.id);

  // The same action, aimed at another deployment, without a session: nothing is deleted.
  const body = (request.postData() ?? '').replace(victim.id, keeper.id);
  expect(body).toContain(keeper.id);
  const anon = await playwright.request.newContext({ baseURL });
  const res = await anon.post(request.url(), {
    headers: { 'next-action': request.headers()['next-action']!, 'content-type': request.headers()['content-type'] ?? 'text/plain;charset=UTF-8', accept: 'text/x-component' },
    data: body,
    maxRedirects: 0,
  });
  expect(res.headers()['x-action-redirect'] ?? res.headers()['location'] ?? '').toContain('/login');
  expect((await list()).map((d) => d.id)).toContain(keeper.id);
  await anon.dispose();
});

test('the first-run page is closed once an administrator exists', async ({ page }) => {
  const res = await page.request.get('/setup', { maxRedirects: 0 });
  expect(res.status()).toBe(307);
  expect(res.headers()['location']).toBe('/login');
});

async function createViaForm(page: import('@playwright/test').Page, name: string) {
  const p = await page.context().newPage();
  await p.goto('/deployments/new');
  await fillMinimalAndSubmit(p, name);
  await expect(p).toHaveURL(/\/deployments\/[a-z0-9]+$/);
  await p.close();
}

async function fillMinimalAndSubmit(page: import('@playwright/test').Page, name = 'Minimal') {
  const node = (i: number) => page.getByRole('group', { name: `Master node ${i + 1}` });
  await page.getByLabel('Deployment name', { exact: true }).fill(name);
  await page.getByLabel('Cluster name', { exact: true }).fill('MINCLU');
  await node(0).getByLabel('Host name', { exact: true }).fill('MINNODE1');
  await node(1).getByLabel('Host name', { exact: true }).fill('MINNODE2');
  await page.getByLabel('Availability group name').fill('AG1');
  await page.getByLabel('Listener DNS name').fill('MINLSN');
  await page.getByLabel('Listener IP address(es)').fill('10.1.0.5');
  await page.getByLabel('Master service DNS host name').fill('MINMASTER');
  await page.getByLabel('Master service static IP').fill('10.1.0.6');
  await page.getByLabel('Master service account', { exact: true }).fill('CORP\\svc');
  await page.getByLabel('WinRM user').fill('CORP\\dba');
  await page.getByRole('button', { name: 'Create deployment' }).click();
}
