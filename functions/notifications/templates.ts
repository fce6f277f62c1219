/**
 * Message templates are files under templates/<name>/: subject.txt, text.txt and html.html for e-mail, sms.txt
 * for SMS. Instead of html.html a template may give body.html, which is placed into the shared templates/layout.html
 * (at its `<!-- content -->` marker) before it is checked. A template may only contain `{{ variable }}` placeholders naming one of the variables its kind
 * declares; anything else (an unknown name, a stray `{{`) is refused when the template is loaded. Rendering is a
 * single pass that substitutes values, HTML-escaped in html.html and stripped of control characters elsewhere, so
 * a value (a description, a customer id) can never become template syntax or markup.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Channel } from './recipients';

export const TEMPLATE_NAMES = [
  'payment-received',
  'payment-approved',
  'payment-declined',
  'payment-held',
  'fraud-alert',
  'webhook-endpoint-disabled',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

const CUSTOMER_VARIABLES = [
  'amount',
  'merchant',
  'paymentId',
  'cardBrand',
  'cardLast4',
  'description',
  'date',
  'reason',
] as const;
const FRAUD_VARIABLES = [
  'amount',
  'merchant',
  'paymentId',
  'cardBrand',
  'cardLast4',
  'date',
  'action',
  'score',
  'reasons',
  'modelVersion',
  'customerId',
  'customerEmail',
  'customerPhone',
  'nextStep',
] as const;

const ENDPOINT_NOTICE_VARIABLES = [
  'merchant',
  'endpointId',
  'endpointUrl',
  'endpointDescription',
  'failingSince',
  'disabledAt',
] as const;

/** The variables each template may use. */
export const TEMPLATE_VARIABLES: Record<TemplateName, readonly string[]> = {
  'payment-received': CUSTOMER_VARIABLES,
  'payment-approved': CUSTOMER_VARIABLES,
  'payment-declined': CUSTOMER_VARIABLES,
  'payment-held': CUSTOMER_VARIABLES,
  'fraud-alert': FRAUD_VARIABLES,
  'webhook-endpoint-disabled': ENDPOINT_NOTICE_VARIABLES,
};

export type TemplateValues = Record<string, string>;

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

type Part = 'subject' | 'text' | 'html' | 'sms';
const FILES: Record<Part, string> = {
  subject: 'subject.txt',
  text: 'text.txt',
  html: 'html.html',
  sms: 'sms.txt',
};

/** Where the template files are: NOTIFICATION_TEMPLATES_DIR in a bundle, else the folder beside this module. */
export function templatesDir(): string {
  if (process.env.NOTIFICATION_TEMPLATES_DIR) return process.env.NOTIFICATION_TEMPLATES_DIR;
  // An ESM bundle has no __dirname: there the folder must be copied into the bundle and named.
  if (typeof __dirname === 'undefined') {
    throw new Error('set NOTIFICATION_TEMPLATES_DIR to the template files copied into the bundle');
  }
  return path.join(__dirname, 'templates');
}

type Segment = string | { variable: string };

const PLACEHOLDER = /(?<!\{)\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}(?!\})/g;

/** Splits a template into literal text and placeholders, refusing anything but declared `{{ name }}`s. */
export function compileTemplate(source: string, allowed: readonly string[], where: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if (!allowed.includes(name)) throw new Error(`${where}: unknown variable {{ ${name} }}`);
    segments.push(source.slice(last, match.index));
    segments.push({ variable: name });
    last = match.index + match[0].length;
  }
  segments.push(source.slice(last));
  for (const literal of segments) {
    if (typeof literal === 'string' && (literal.includes('{{') || literal.includes('}}'))) {
      throw new Error(`${where}: malformed placeholder near "${literal.slice(0, 40)}"`);
    }
  }
  return segments;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c]!);
}

/** For subjects and SMS: one line, no control characters (no header injection, no hidden text). */
function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

/** For plain-text bodies: line breaks stay, other control characters go. */
function plainText(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]+/g, ' ');
}

const ESCAPERS: Record<Part, (value: string) => string> = {
  subject: oneLine,
  text: plainText,
  html: escapeHtml,
  sms: oneLine,
};

/**
 * Substitutes the values. A line whose placeholders all come out empty is left out with its label (no
 * `Description: ` with nothing after it): the value is optional and the line says nothing without it.
 */
function render(segments: Segment[], values: TemplateValues, part: Part): string {
  const escape = ESCAPERS[part];
  let out = '';
  let line = '';
  let placeholders = 0;
  let filled = 0;
  const endLine = (newline: boolean) => {
    if (placeholders === 0 || filled > 0) out += line + (newline ? '\n' : '');
    line = '';
    placeholders = 0;
    filled = 0;
  };
  for (const segment of segments) {
    if (typeof segment !== 'string') {
      const value = escape(values[segment.variable] ?? '');
      placeholders++;
      if (value.trim() !== '') filled++;
      line += value;
      continue;
    }
    const pieces = segment.split('\n');
    pieces.forEach((piece, i) => {
      if (i > 0) endLine(true);
      line += piece;
    });
  }
  endLine(false);
  return part === 'subject' || part === 'sms' ? out.trim() : out;
}

export interface Template {
  name: TemplateName;
  channels: Channel[];
  renderEmail(values: TemplateValues): RenderedEmail;
  renderSms(values: TemplateValues): string;
}

const LAYOUT_FILE = 'layout.html';
const CONTENT_MARKER = '<!-- content -->';

function readIfPresent(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** The template's own html.html, or its body.html inside the shared layout. */
function htmlSource(dir: string, name: TemplateName): string | undefined {
  const own = readIfPresent(path.join(dir, name, FILES.html));
  const body = readIfPresent(path.join(dir, name, 'body.html'));
  if (own !== undefined || body === undefined) return own;
  const layout = readIfPresent(path.join(dir, LAYOUT_FILE));
  if (!layout?.includes(CONTENT_MARKER)) {
    throw new Error(
      `template ${name}: body.html needs ${LAYOUT_FILE} with a ${CONTENT_MARKER} marker in ${dir}`,
    );
  }
  return layout.replace(CONTENT_MARKER, body.trimEnd());
}

/** Loads and checks one template's files. */
export function loadTemplate(name: TemplateName, dir = templatesDir()): Template {
  const parts: Partial<Record<Part, Segment[]>> = {};
  for (const [part, file] of Object.entries(FILES) as [Part, string][]) {
    const source = part === 'html' ? htmlSource(dir, name) : readIfPresent(path.join(dir, name, file));
    if (source === undefined) continue;
    parts[part] = compileTemplate(source, TEMPLATE_VARIABLES[name], `${name}/${file}`);
  }
  const email = parts.subject && parts.text && parts.html;
  if (!email && (parts.subject || parts.text || parts.html)) {
    throw new Error(
      `template ${name}: e-mail needs subject.txt, text.txt and html.html together (or body.html for the shared layout)`,
    );
  }
  const channels: Channel[] = [
    ...(email ? (['email'] as const) : []),
    ...(parts.sms ? (['sms'] as const) : []),
  ];
  if (channels.length === 0) throw new Error(`template ${name}: no files in ${path.join(dir, name)}`);
  return {
    name,
    channels,
    renderEmail(values) {
      if (!parts.subject || !parts.text || !parts.html) throw new Error(`template ${name} has no e-mail`);
      return {
        subject: render(parts.subject, values, 'subject'),
        text: render(parts.text, values, 'text'),
        html: render(parts.html, values, 'html'),
      };
    },
    renderSms(values) {
      if (!parts.sms) throw new Error(`template ${name} has no SMS`);
      return render(parts.sms, values, 'sms');
    },
  };
}

/** Every template, loaded once per process (and checked: a broken template fails the first event loudly). */
export class TemplateSet {
  private readonly templates = new Map<TemplateName, Template>();

  constructor(private readonly dir = templatesDir()) {}

  get(name: TemplateName): Template {
    let template = this.templates.get(name);
    if (!template) {
      template = loadTemplate(name, this.dir);
      this.templates.set(name, template);
    }
    return template;
  }
}
