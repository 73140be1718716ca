// Browser test: the demo officer records an eligible encounter with a warm handoff on a
// phone-sized screen using only the visible form controls; the on-call case manager then
// accepts the referral. playwright-core drives Debian's Chromium (/usr/bin/chromium).
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.HANDOFF_BIN || join(here, '..', 'target', 'debug', 'handoff');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const port = 20000 + Math.floor(Math.random() * 20000);
const base = `http://127.0.0.1:${port}`;
const data = mkdtempSync(join(tmpdir(), 'handoff-e2e-'));
const shots = join(here, 'test-results');
mkdirSync(shots, { recursive: true });

// A real SMTP server (.ci/smtp_sink.py: aiosmtpd, STARTTLS and AUTH) that the demo pages
// through; the test reads the one-tap link from the email it took.
const mail = join(data, 'mail');
mkdirSync(join(mail, 'out'), { recursive: true });
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
  '-addext', 'subjectAltName=IP:127.0.0.1', '-addext', 'basicConstraints=critical,CA:FALSE',
  '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment', '-addext', 'extendedKeyUsage=serverAuth',
  '-keyout', join(mail, 'key.pem'), '-out', join(mail, 'cert.pem')], { stdio: 'ignore' });
const smtpPort = port + 1;
const python = process.env.HANDOFF_SMTP_PYTHON
  || (existsSync('/tmp/handoff-ci-venv/bin/python') ? '/tmp/handoff-ci-venv/bin/python' : 'python3');
const smtp = spawn(python, [join(here, '..', '.ci', 'smtp_sink.py'), '--port', String(smtpPort), '--user', 'handoff',
  '--password', 'e2e-pass', '--cert', join(mail, 'cert.pem'), '--key', join(mail, 'key.pem'), '--out', join(mail, 'out')],
  { stdio: ['pipe', 'pipe', 'inherit'] });
await new Promise((resolve, reject) => {
  smtp.stdout.on('data', (d) => { if (d.toString().includes('ready')) resolve(); });
  smtp.on('exit', (code) => reject(new Error(`the SMTP server exited (${code}); is aiosmtpd installed?`)));
});

// The emails taken so far, quoted-printable undone.
function mails() {
  return readdirSync(join(mail, 'out')).filter((f) => f.endsWith('.eml')).sort()
    .map((f) => readFileSync(join(mail, 'out', f), 'latin1').replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))));
}

const server = spawn(bin, ['demo', '--data', data, '--listen', `127.0.0.1:${port}`, '--cases', '12',
  '--smtp-url', `smtp://handoff:e2e-pass@127.0.0.1:${smtpPort}`, '--smtp-ca', join(mail, 'cert.pem'),
  '--smtp-from', 'Handoff demo <pages@demo.handoff.invalid>', '--public-url', base], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, HANDOFF_LOG: 'warn' },
});

// The demo prints each user's TOTP key; the test reads them there, as a newcomer would,
// and computes codes (RFC 6238: HMAC-SHA1, 30 s, 6 digits).
const secrets = {};
let banner = '';
server.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  banner += chunk.toString();
  for (const line of banner.split('\n')) {
    const m = line.match(/^\s+(\S+)\s.*\s([A-Z2-7]{32})\s*$/);
    if (m) secrets[m[1]] = m[2];
  }
});

function base32(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const c of s) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
  }
  return Buffer.from(out);
}

// Codes already used, per user: each code is accepted once, so wait for the next step.
const lastStep = {};
async function totp(user) {
  const secret = secrets[user];
  assert.ok(secret, `the demo banner printed no TOTP key for ${user}`);
  let step = Math.floor(Date.now() / 30000);
  while (lastStep[user] !== undefined && step <= lastStep[user]) {
    await new Promise((r) => setTimeout(r, 500));
    step = Math.floor(Date.now() / 30000);
  }
  lastStep[user] = step;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', base32(secret)).update(counter).digest();
  const o = h[h.length - 1] & 15;
  const n = ((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1000000).padStart(6, '0');
}

async function signIn(page, user) {
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill('handoff-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
  await page.getByLabel('Code', { exact: true }).fill(await totp(user));
  await page.getByRole('button', { name: 'Continue' }).click();
}

async function ready() {
  const until = Date.now() + 180_000;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode})`);
    try {
      const r = await fetch(`${base}/health/ready`);
      if (r.ok) return;
    } catch { /* not yet listening */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the server did not become ready');
}

const results = [];
async function scenario(name, fn) {
  try {
    await fn();
    results.push([name, null]);
    console.log(`ok - ${name}`);
  } catch (e) {
    results.push([name, e]);
    console.log(`not ok - ${name}\n${e.stack || e}`);
  }
}

// Fills the Officer Intervention encounter form for a new person with a 35A offense.
async function fillEncounter(page, p) {
  await page.getByLabel('First name', { exact: true }).fill(p.first);
  await page.getByLabel('Last name', { exact: true }).fill(p.last);
  await page.getByLabel('Date of birth', { exact: true }).fill(p.dob);
  await page.getByLabel('Sex', { exact: true }).selectOption(p.sex);
  await page.getByLabel('Race', { exact: true }).selectOption('W');
  await page.getByLabel('Ethnicity', { exact: true }).selectOption(p.ethnicity);
  if (p.language) await page.getByLabel('Preferred language').selectOption(p.language);
  if (p.interpreter) await page.getByLabel('Needs an interpreter').check();
  await page.getByLabel('Location', { exact: true }).fill(p.location);
  await page.getByLabel('CAD / incident number').fill(p.cad);
  await page.getByLabel('NIBRS offense').first().selectOption('35A');
  await page.getByText('Drug details (35A, 35B)').first().click();
  await page.getByLabel('Drug activity').first().selectOption('P');
  await page.getByLabel('Suspected drug type').first().selectOption('D');
  await page.getByLabel('Estimated quantity').first().fill(p.quantity);
  await page.getByLabel('Unit', { exact: true }).first().selectOption('GM');
  for (const label of ['No disqualifying violent history', 'No open warrant', 'No pending drug or mental health court case', 'No no-contact order']) {
    await page.getByLabel(label).check();
  }
}

// The accepted offer to Harbor Recovery Center: signed, warm or by contact card, the
// charge held in abeyance or not (a pathway without one).
async function fillOffer(page, signedName, { warm = true, held = true } = {}) {
  await page.getByLabel('Accepted', { exact: true }).check();
  await page.getByLabel("Person's name, as signed").fill(signedName);
  await page.getByLabel('The person read').check();
  await page.getByLabel('Provider', { exact: true }).selectOption({ label: 'Harbor Recovery Center' });
  await page.getByLabel(warm ? /Warm handoff: the on-call case manager/ : /Contact card: the person contacts the provider/).check();
  if (held) await page.getByLabel('Charges held in abeyance').check();
}

// A responder on a phone, signed in, at the new encounter form.
async function responder(user) {
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await signIn(page, user);
  await page.getByRole('heading', { name: 'New encounter' }).waitFor();
  return { context, page };
}

let browser;
let phone;
// The reference on the first scenario's slip (the emergency scenario looks it up).
let caseRef;
try {
  await ready();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-gpu', '--no-first-run', '--disable-quic'],
  });
  phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

  await scenario('officer records an eligible encounter with a warm handoff; case manager accepts', async () => {
    const person = { first: 'Zed', last: `Browsertest${Math.floor(Math.random() * 1e6)}` };
    const { context: officer, page } = await responder('officer');

    await fillEncounter(page, { ...person, dob: '1991-05-06', sex: 'M', ethnicity: 'N', location: 'Riverside Park, east entrance', cad: 'E2E-0001', quantity: '0.5' });
    await page.screenshot({ path: join(shots, '1-encounter-form.png'), fullPage: true });
    await page.getByRole('button', { name: 'Record and check eligibility' }).click();

    await page.getByRole('heading', { name: /Eligibility: eligible/ }).waitFor();
    await fillOffer(page, `${person.first} ${person.last}`);
    await page.screenshot({ path: join(shots, '2-eligible-offer.png'), fullPage: true });
    await page.getByRole('button', { name: 'Record the offer' }).click();
    await page.getByText('Offer recorded.').waitFor();
    await page.getByRole('link', { name: 'Referral slip for the person' }).click();
    await page.getByRole('heading', { name: 'Your referral' }).waitFor();
    const slip = await page.textContent('main');
    assert.match(slip, /Harbor Recovery Center/);
    assert.match(slip, /HO-[A-Z0-9]{4}-[A-Z0-9]{4}/);
    caseRef = slip.match(/HO-[A-Z0-9]{4}-[A-Z0-9]{4}/)[0];
    assert.doesNotMatch(slip, /35A|Drug/);
    await page.screenshot({ path: join(shots, '3-slip.png'), fullPage: true });
    // More services at once: the needs, then the services that fit with their capacity
    // and hours; a withdrawal bed and a shelter bed.
    await page.goBack();
    await page.getByRole('link', { name: /More services/ }).click();
    await page.getByRole('heading', { name: 'Services for the person' }).waitFor();
    await page.getByLabel('Substance use', { exact: true }).check();
    await page.getByLabel('Housing instability', { exact: true }).check();
    await page.getByRole('button', { name: 'Show services' }).click();
    await page.getByRole('heading', { name: 'Services that fit' }).waitFor();
    const choices = await page.textContent('#services');
    assert.match(choices, /beds? free of 12/);
    assert.match(choices, /Open now|Closed now/);
    await page.getByLabel(/Withdrawal management unit/).check();
    await page.getByLabel(/Emergency shelter/).check();
    await page.screenshot({ path: join(shots, '3a-services.png'), fullPage: true });
    // The shelter is not treatment: without the person's release the referral is refused,
    // the choices kept; with it, both go.
    await page.getByRole('button', { name: 'Refer to the chosen services' }).click();
    await page.getByText(/Emergency shelter is not a treatment service/).waitFor();
    assert.ok(await page.getByLabel(/Emergency shelter/).isChecked());
    await page.getByLabel("Person's name, as signed").fill('Alex Demo');
    await page.getByLabel(/read \(or was read\) the release and signed it/).check();
    await page.screenshot({ path: join(shots, '3b-release.png'), fullPage: true });
    await page.getByRole('button', { name: 'Refer to the chosen services' }).click();
    await page.getByText(/Referred to 2 services; a place is held/).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    await officer.close();

    const cmContext = await browser.newContext(phone);
    const cm = await cmContext.newPage();
    await cm.goto(`${base}/`);
    await signIn(cm, 'casemanager');
    await cm.getByRole('heading', { name: 'Referral queue' }).waitFor();
    const first = cm.locator('ul.referrals li').first();
    assert.match(await first.textContent(), new RegExp(person.last));
    assert.match(await first.textContent(), /Warm handoff/);
    await cm.screenshot({ path: join(shots, '4-queue.png'), fullPage: true });
    await first.getByRole('link').click();
    await cm.getByLabel('Step', { exact: true }).selectOption({ label: 'Accept' });
    await cm.getByRole('button', { name: 'Save' }).click();
    await cm.getByText('Saved.').waitFor();
    await cm.getByRole('heading', { name: /Status: Accepted/ }).waitFor();
    await cm.screenshot({ path: join(shots, '5-accepted.png'), fullPage: true });
    // The intake is scheduled; the person agrees to a reminder by text; a safety flag.
    const day = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10);
    await cm.getByLabel('Date and time').fill(`${day}T10:00`);
    await cm.getByLabel('Where', { exact: true }).fill('200 Main St, 2nd floor');
    await cm.getByRole('button', { name: 'Schedule the intake' }).click();
    await cm.getByText(/Appointment saved/).waitFor();
    await cm.getByText('Ask the person').click();
    await cm.getByLabel('Mobile number or email address').fill('+1 312 555 0142');
    await cm.getByLabel(/The person agrees, as read to them/).check();
    await cm.getByRole('button', { name: 'Save where to remind' }).click();
    await cm.getByText(/By text to •••0142/).waitFor();
    await cm.getByText('Add a safety flag').click();
    await cm.getByLabel('Kind').selectOption({ label: 'Do not contact at home' });
    await cm.getByLabel('Why').fill('Family does not know about treatment');
    await cm.getByRole('button', { name: 'Add the flag' }).click();
    await cm.getByText('⚑ Do not contact at home').waitFor();
    assert.doesNotMatch(await cm.textContent('main'), /Officer safety/);
    await cm.screenshot({ path: join(shots, '5d-intake-reminders-flag.png'), fullPage: true });
    // Harbor's escalation list, with its front desk that has no account.
    await cm.goto(`${base}/roster`);
    await cm.getByText('contact without an account').first().waitFor();
    assert.match(await cm.textContent('main'), /Harbor front desk/);
    await cm.screenshot({ path: join(shots, '5e-roster-escalation.png'), fullPage: true });
    await cm.goBack();
    // A PHQ-9 at intake: item 9 above 0 raises the safety alert at once.
    await cm.getByRole('link', { name: 'PHQ-9' }).click();
    await cm.getByRole('heading', { name: 'PHQ-9' }).waitFor();
    for (let n = 1; n <= 9; n++) {
      const item = cm.locator('fieldset.item').nth(n - 1);
      await item.getByLabel(n === 9 ? 'Several days' : 'More than half the days').check();
    }
    await cm.screenshot({ path: join(shots, '5a-phq9.png'), fullPage: true });
    await cm.getByRole('button', { name: 'Score and save' }).click();
    await cm.getByRole('alert').filter({ hasText: 'PHQ-9 item 9' }).waitFor();
    assert.match(await cm.textContent('main'), /17 of 27/);
    await cm.getByRole('link', { name: 'Back to the referral' }).click();

    await cm.getByRole('link', { name: /Criminal justice referral consent/ }).click();
    await cm.getByRole('heading', { name: 'Consent to disclose' }).waitFor();
    const consent = await cm.textContent('main');
    for (const element of ['Who may disclose', 'What information', 'To whom', 'Purpose', 'Right to revoke', 'Expires', 'Irrevocable', 'Signature']) {
      assert.match(consent, new RegExp(element));
    }
    assert.match(consent, new RegExp(`${person.first} ${person.last}`));
    await cm.screenshot({ path: join(shots, '5b-consent.png'), fullPage: true });
    // What the provider can take now, updated in one tap.
    await cm.goto(`${base}/queue`);
    const capacity = cm.locator('ul.capacity li').first();
    const before = Number(await capacity.locator('.big-number').textContent());
    await capacity.getByRole('button', { name: /One more/ }).click();
    await cm.getByRole('heading', { name: 'What you can take now' }).waitFor();
    assert.equal(Number(await cm.locator('ul.capacity li').first().locator('.big-number').textContent()), before + 1);
    await cm.screenshot({ path: join(shots, '5c-capacity.png'), fullPage: true });
    await cmContext.close();
  });

  await scenario('a Spanish-speaking person hears the consent and keeps the slip in Spanish', async () => {
    const person = { first: 'Lucía', last: `Pruebas${Math.floor(Math.random() * 1e6)}` };
    const { context: officer, page } = await responder('officer2');
    await fillEncounter(page, { ...person, dob: '1988-03-14', sex: 'F', ethnicity: 'H', location: 'Bus depot, bay 3', cad: 'E2E-ES-01', quantity: '0.2', language: 'es', interpreter: true });
    await page.getByRole('button', { name: 'Record and check eligibility' }).click();
    await page.getByRole('heading', { name: /Eligibility: eligible/ }).waitFor();
    assert.match(await page.textContent('main'), /Language: Español \(es\) · needs an interpreter/);
    // The consent the officer reads to her, in Spanish.
    const consentText = await page.locator('p.consent[lang="es"]').textContent();
    assert.match(consentText, /^Acepto que el proveedor de tratamiento informe a Demo County Police Department y a la fiscalía/);
    await fillOffer(page, `${person.first} ${person.last}`, { warm: false });
    await page.screenshot({ path: join(shots, '6-spanish-offer.png'), fullPage: true });
    await page.getByRole('button', { name: 'Record the offer' }).click();
    await page.getByText('Offer recorded.').waitFor();
    await page.getByRole('link', { name: 'Referral slip for the person' }).click();
    await page.getByRole('heading', { name: 'Su remisión' }).waitFor();
    const slip = await page.locator('article.slip[lang="es"]').textContent();
    assert.match(slip, /Por favor, vaya a Harbor Recovery Center o llame a más tardar el (lunes|martes|miércoles|jueves|viernes|sábado|domingo), \d+ de \w+ de 20\d\d\./);
    assert.match(slip, /Pida un intérprete/);
    assert.doesNotMatch(slip, /Your referral|Please go to|Keep this slip/);
    // The provider's own hours and what to bring, as the program gave them in Spanish.
    assert.match(slip, /se atiende sin cita/);
    assert.match(slip, /Traiga: Una identificación con foto/);
    await page.screenshot({ path: join(shots, '6a-spanish-slip.png'), fullPage: true });
    // As printed, on A4 and on Letter: the slip alone, one page.
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join(shots, '6a-spanish-slip-print.png'), fullPage: true });
    for (const format of ['A4', 'Letter']) {
      const pdf = await page.pdf({ path: join(shots, `6a-spanish-slip-${format}.pdf`), format });
      assert.equal((pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length, 1, `one ${format} page`);
    }
    await page.emulateMedia({ media: 'screen' });
    // The consent as signed, printed in Spanish.
    await page.goBack();
    await page.getByRole('link', { name: /Criminal justice referral consent/ }).click();
    await page.getByRole('heading', { name: 'Consent to disclose' }).waitFor();
    const form = await page.locator('section.consent-form[lang="es"]').textContent();
    for (const element of ['Quién puede divulgar', 'Qué información', 'A quién', 'Para qué', 'Derecho a revocar', 'Vencimiento', 'Firma', 'Aviso \\(42 CFR 2\\.32\\)']) {
      assert.match(form, new RegExp(element));
    }
    assert.doesNotMatch(form, /Who may disclose|Right to revoke/);
    assert.match(await page.textContent('main'), /has not been reviewed by a qualified translator/);
    await page.screenshot({ path: join(shots, '6b-spanish-consent.png'), fullPage: true });
    await officer.close();
    // The coordinator gives the other provider's hours in Spanish, on a phone.
    const coordContext = await browser.newContext(phone);
    const coord = await coordContext.newPage();
    await coord.goto(`${base}/`);
    await signIn(coord, 'coordinator');
    await coord.goto(`${base}/directory`);
    await coord.getByRole('link', { name: 'What the slip says, in each language' }).click();
    await coord.getByRole('link', { name: 'Second Street Counseling' }).click();
    await coord.getByLabel('Hours in Español').fill('lun-jue 9:00-17:00');
    await coord.screenshot({ path: join(shots, '6c-slip-texts.png'), fullPage: true });
    await coord.getByRole('button', { name: "Save the slip's texts" }).click();
    await coord.getByText("The slip's texts are saved.").waitFor();
    await coord.goto(`${base}/directory/organizations`);
    await coord.getByRole('link', { name: 'Second Street Counseling' }).click();
    assert.equal(await coord.getByLabel('Hours in Español').inputValue(), 'lun-jue 9:00-17:00');
    await coordContext.close();
  });

  await scenario('the on-call case manager acknowledges, accepts and records the arrival from the one-tap link in the page', async () => {
    const person = { first: 'Tap', last: `Linktest${Math.floor(Math.random() * 1e6)}` };
    const { context: officer, page } = await responder('officer');
    await fillEncounter(page, { ...person, dob: '1990-07-01', sex: 'M', ethnicity: 'N', location: 'Transit center', cad: 'E2E-TAP-1', quantity: '0.3' });
    await page.getByRole('button', { name: 'Record and check eligibility' }).click();
    await page.getByRole('heading', { name: /Eligibility: eligible/ }).waitFor();
    await fillOffer(page, `${person.first} ${person.last}`);
    await page.getByRole('button', { name: 'Record the offer' }).click();
    await page.getByText('Offer recorded.').waitFor();
    const ref = (await page.textContent('main')).match(/HO-[A-Z0-9]{4}-[A-Z0-9]{4}/)[0];
    assert.match(await page.textContent('main'), /Paged; waiting for someone to acknowledge/);
    // The page reaches the on-call case manager's email within seconds.
    let email;
    for (let i = 0; i < 100 && !email; i++) {
      email = mails().find((m) => m.includes(ref) && m.includes('casemanager@demo.handoff.invalid'));
      if (!email) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(email, 'no page arrived for the referral');
    assert.doesNotMatch(email, new RegExp(person.last));
    const link = email.match(/http:\/\/127\.0\.0\.1:\d+\/l\/[A-Za-z0-9_-]{43}/)[0];
    // On the case manager's phone, not signed in.
    const cmPhone = await browser.newContext(phone);
    const cm = await cmPhone.newPage();
    await cm.goto(link);
    await cm.getByRole('heading', { name: `Referral ${ref}` }).waitFor();
    const shown = await cm.textContent('main');
    assert.match(shown, /T\. L\./);
    assert.doesNotMatch(shown, new RegExp(person.last));
    await cm.screenshot({ path: join(shots, '7-one-tap-link.png'), fullPage: true });
    for (const label of ['I have it: acknowledge', 'Accept the referral', 'I am with the person (arrived)']) {
      await cm.getByRole('button', { name: label }).click();
      await cm.getByRole('heading', { name: `Referral ${ref}` }).waitFor();
    }
    assert.match(await cm.textContent('main'), /Status: Accepted/);
    await cm.screenshot({ path: join(shots, '7a-one-tap-arrived.png'), fullPage: true });
    await page.reload();
    assert.match(await page.textContent('main'), /Acknowledged by Jordan Blake/);
    await page.screenshot({ path: join(shots, '7b-officer-sees-acknowledgement.png'), fullPage: true });
    await cmPhone.close();
    await officer.close();
  });

  await scenario('a paramedic records an overdose, makes the follow-up visit and refers the survivor (Naloxone Plus)', async () => {
    const last = `Overdose${Math.floor(Math.random() * 1e6)}`;
    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'medic');
    await page.getByRole('heading', { name: 'New encounter' }).waitFor();
    // Fire/EMS start their own pathways; Officer Intervention is not offered.
    assert.equal(await page.getByRole('link', { name: 'Officer Intervention' }).count(), 0);
    await page.getByRole('link', { name: 'Naloxone Plus' }).click();
    await page.getByRole('heading', { name: 'The overdose' }).waitFor();
    await page.getByLabel('First name', { exact: true }).fill('Ivy');
    await page.getByLabel('Last name', { exact: true }).fill(last);
    await page.getByLabel('Date of birth', { exact: true }).fill('1986-11-02');
    await page.getByLabel('Sex', { exact: true }).selectOption('F');
    await page.getByLabel('Race', { exact: true }).selectOption('W');
    await page.getByLabel('Ethnicity', { exact: true }).selectOption('N');
    await page.getByLabel('Location', { exact: true }).fill('Route 9 underpass');
    await page.getByLabel('Naloxone doses given').fill('two');
    await page.getByRole('button', { name: 'Record and check eligibility' }).click();
    // A clear error, and nothing typed is lost.
    await page.getByText('Enter the doses as a whole number from 0 to 20.').waitFor();
    assert.equal(await page.getByLabel('Last name', { exact: true }).inputValue(), last);
    await page.getByLabel('Naloxone doses given').fill('2');
    await page.getByLabel('No', { exact: true }).check();
    await page.getByLabel(/^Team/).fill('Medic 3, peer recovery coach');
    await page.screenshot({ path: join(shots, '10-overdose-form.png'), fullPage: true });
    await page.getByRole('button', { name: 'Record and check eligibility' }).click();
    await page.getByText(/Follow-up visit due by/).waitFor();
    await page.getByText('Record an attempt').click();
    await page.getByLabel('Reached the person').check();
    await page.getByLabel('Team (officer, clinician, peer)').fill('Medic 3, peer');
    await page.getByRole('button', { name: 'Record the attempt' }).click();
    await page.getByText('Contact attempt recorded.').waitFor();
    await page.getByText(/Follow-up made on time/).waitFor();
    await fillOffer(page, `Ivy ${last}`, { held: false });
    assert.equal(await page.getByText('Legal hold').count(), 0, 'no charge is held');
    await page.getByRole('button', { name: 'Record the offer' }).click();
    await page.getByText('Offer recorded.').waitFor();
    await page.screenshot({ path: join(shots, '11-naloxone-plus-case.png'), fullPage: true });
    await ctx.close();
  });

  await scenario('administrator adds a user, who sets up an authenticator by QR code, and a provider', async () => {
    const name = `newofficer${Math.floor(Math.random() * 1e6)}`;
    const adminContext = await browser.newContext(phone);
    const admin = await adminContext.newPage();
    await admin.goto(`${base}/`);
    await signIn(admin, 'admin');
    await admin.getByRole('heading', { name: 'Users and roles' }).waitFor();
    await admin.getByLabel('User name', { exact: true }).fill(name);
    await admin.getByLabel('Full name').fill('Officer New Person');
    await admin.getByLabel('Initial password').fill('a-long-first-password');
    await admin.locator('#org').selectOption({ label: 'Demo County Police Department (Law enforcement agency)' });
    await admin.locator('#role').selectOption('officer');
    await admin.getByRole('button', { name: 'Create the user' }).click();
    await admin.getByText('User created.').waitFor();
    // A new provider from the same page: first refused without a name (what was typed
    // stays), then added, and at once a choice for users.
    await admin.getByLabel('Kind').selectOption('provider');
    await admin.getByLabel('Phone').fill('555-0142');
    await admin.getByLabel('Hours').fill('Mon-Fri 8-6');
    await admin.getByRole('button', { name: 'Add the organization' }).click();
    await admin.getByText('Enter the organization name.').waitFor();
    assert.equal(await admin.getByLabel('Hours').inputValue(), 'Mon-Fri 8-6');
    await admin.getByLabel('Name', { exact: true }).fill('Lakeside Sober Living');
    await admin.getByRole('button', { name: 'Add the organization' }).click();
    await admin.getByText('Organization added.').waitFor();
    await admin.locator('#org option', { hasText: 'Lakeside Sober Living' }).waitFor({ state: 'attached' });
    await admin.screenshot({ path: join(shots, '8b-organization-added.png'), fullPage: true });
    await adminContext.close();

    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    await page.goto(`${base}/`);
    await page.getByLabel('User name').fill(name);
    await page.getByLabel('Password').fill('a-long-first-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator' }).waitFor();
    assert.ok(await page.locator('.qr svg').isVisible(), 'the QR code is shown');
    await page.screenshot({ path: join(shots, '6-enrol.png'), fullPage: true });
    secrets[name] = (await page.locator('code.secret').textContent()).replace(/\s/g, '');
    await page.getByLabel('Code', { exact: true }).fill(await totp(name));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    assert.equal(await page.locator('ul.codes li').count(), 10);
    await page.screenshot({ path: join(shots, '7-recovery-codes.png'), fullPage: true });
    await page.getByRole('link', { name: /continue/ }).click();
    await page.getByRole('heading', { name: 'New encounter' }).waitFor();
    await ctx.close();
  });

  await scenario('a case manager outside the case opens it in an emergency; the coordinator reviews it and finds it on the audit trail', async () => {
    assert.ok(caseRef, 'the first scenario recorded a case');
    const adminCtx = await browser.newContext(phone);
    const coordPage = await adminCtx.newPage();
    await coordPage.goto(`${base}/`);
    await signIn(coordPage, 'coordinator');
    await coordPage.getByRole('heading', { name: 'Deadlines: overdue, missed and due soon' }).waitFor();

    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'counselor');
    await page.getByRole('link', { name: 'Emergency access' }).click();
    await page.getByLabel("Reference on the person's slip").fill(caseRef.toLowerCase());
    await page.getByRole('button', { name: 'Find the case' }).click();
    await page.getByLabel('The emergency').fill('Person in crisis at our door; needs the medication list');
    await page.getByRole('button', { name: 'Open the record' }).click();
    await page.getByText('Emergency access granted').waitFor();
    await page.screenshot({ path: join(shots, '8-emergency.png'), fullPage: true });
    await page.getByRole('link', { name: /Referral to Harbor Recovery Center/ }).first().click();
    await page.getByText('Emergency access, read only').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save' }).count(), 0, 'read only');
    await ctx.close();

    await coordPage.goto(`${base}/emergency-access`);
    await coordPage.getByText('medication list').waitFor();
    await coordPage.getByLabel('Your review').first().fill('Justified: walk-in in crisis');
    await coordPage.getByRole('button', { name: 'Mark reviewed' }).first().click();
    await coordPage.getByText('Review recorded.').waitFor();
    await coordPage.goto(`${base}/audit?user=counselor&action=emergency.`);
    await coordPage.getByText('emergency.grant').first().waitFor();
    await coordPage.screenshot({ path: join(shots, '9-audit.png'), fullPage: true });
    // What left the program, the paging measures and when messages go.
    await coordPage.goto(`${base}/outbox`);
    await coordPage.getByRole('heading', { name: 'Warm handoffs paged, last 30 days' }).waitFor();
    await coordPage.screenshot({ path: join(shots, '9a-outbox.png'), fullPage: true });
    await adminCtx.close();
  });
} catch (e) {
  results.push(['setup', e]);
  console.log(`not ok - setup\n${e.stack || e}`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGINT');
  await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
  smtp.stdin.end();
  smtp.kill();
  rmSync(data, { recursive: true, force: true });
}

const failed = results.filter(([, e]) => e).length;
console.log(`e2e: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
