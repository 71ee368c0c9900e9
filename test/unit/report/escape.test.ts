import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, jsonForScript, assertInlineableScript } from '../../../src/report/escape.js';

test('escapeHtml escapes the five HTML metacharacters', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

test('jsonForScript cannot close its script element and round-trips', () => {
  const value = { name: '</script><img src=x onerror=alert(1)><!-- & \u2028\u2029' };
  const text = jsonForScript(value);
  assert.ok(!/[<>&\u2028\u2029]/.test(text), text);
  assert.deepEqual(JSON.parse(text), value);
});

test('assertInlineableScript refuses sources the HTML parser would cut short', () => {
  assert.throws(() => assertInlineableScript('x', 'a="</SCRIPT>"'));
  assert.throws(() => assertInlineableScript('x', 'a="<!--"'));
  assert.doesNotThrow(() => assertInlineableScript('x', 'a<b'));
});
